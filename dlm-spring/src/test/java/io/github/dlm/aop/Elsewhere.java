package io.github.dlm.aop;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import io.github.dlm.lock.DlmLock;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the {@link DlmLocked @DlmLocked} tests do on a thread other than the test's: run a
 * call that stays inside its lock while the test looks, and see whether a lock is held.
 */
final class Elsewhere {

	static final Duration TIMEOUT = Duration.ofSeconds(20);

	private Elsewhere() {
	}

	/**
	 * Runs {@code call} on another thread with a body that waits, and {@code whileInside}
	 * on this thread while that body runs (so while the call's lock is held); then lets the
	 * body return and waits for the call to end.
	 * @param executor runs the call
	 * @param call the call, given the body to run inside its lock
	 * @param whileInside what to do while the body runs
	 */
	static void whileInside(ExecutorService executor, Consumer<Runnable> call, ThrowingRunnable whileInside)
			throws Exception {
		CountDownLatch inside = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		Future<?> running = executor.submit(() -> call.accept(() -> {
			inside.countDown();
			try {
				assertThat(release.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException(ex);
			}
		}));
		assertThat(inside.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();
		try {
			whileInside.run();
		}
		finally {
			release.countDown();
			running.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
		}
	}

	/**
	 * Whether a lock is held, by this thread or another: another thread cannot take it at
	 * once.
	 * @param lock the lock
	 * @return {@code true} if it is held
	 */
	static boolean isHeld(DlmLock lock) {
		return CompletableFuture.supplyAsync(() -> {
			if (lock.tryLock()) {
				lock.unlock();
				return false;
			}
			return true;
		}).orTimeout(TIMEOUT.toSeconds(), TimeUnit.SECONDS).join();
	}

	/** A piece of test code that may throw. */
	@FunctionalInterface
	interface ThrowingRunnable {

		void run() throws Exception;

	}

}
