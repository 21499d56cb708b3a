package io.github.dlm.core;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.github.dlm.local.LocalDlmClient;
import io.github.dlm.local.LocalLockInfo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * {@link DlmRequest} on the local engine: a wait that gives up never leaks a lock, even
 * when the grant wins the race with the cancel.
 */
class DlmRequestTests {

	private static final String LOCKSPACE = "requests";

	private static final DlmResourceName R = DlmResourceName.of("resource");

	/** How long anything that must happen may take; generous, never a speed assertion. */
	private static final long TIMEOUT_SECONDS = 30;

	private static final Set<DlmFlag> NONE = EnumSet.noneOf(DlmFlag.class);

	private final LocalDlmClient client = new LocalDlmClient("request-tests-");

	private final DlmLockspace lockspace = this.client.openLockspace(LOCKSPACE, LockspaceOptions.DEFAULTS);

	private final ExecutorService executor = Executors.newCachedThreadPool();

	@AfterEach
	void close() throws InterruptedException {
		this.executor.shutdownNow();
		assertThat(this.executor.awaitTermination(TIMEOUT_SECONDS, TimeUnit.SECONDS)).isTrue();
		this.client.close();
	}

	@Test
	void awaitReturnsTheGrant() throws Exception {
		DlmLockHandle handle = this.lockspace.newLock(R, null);
		DlmCompletion granted = DlmRequest.lock(handle, DlmMode.EX, NONE).await(DlmRequest.FOREVER, true);
		assertThat(granted).isNotNull();
		assertThat(granted.grantedMode()).isEqualTo(DlmMode.EX);
		DlmRequest.unlock(handle, null);
		assertThat(dump()).isEmpty();
	}

	@Test
	void noQueueRefusalIsNotGranted() throws Exception {
		DlmLockHandle holder = hold(DlmMode.EX);
		DlmLockHandle handle = this.lockspace.newLock(R, null);
		assertThat(DlmRequest.lock(handle, DlmMode.EX, EnumSet.of(DlmFlag.NOQUEUE)).await(0, false)).isNull();
		assertThat(handle.isEnded()).isTrue();
		DlmRequest.unlock(holder, null);
		assertThat(dump()).isEmpty();
	}

	@Test
	void timeoutCancelsTheRequest() throws Exception {
		DlmLockHandle holder = hold(DlmMode.EX);
		DlmLockHandle handle = this.lockspace.newLock(R, null);
		DlmRequest request = DlmRequest.lock(handle, DlmMode.EX, NONE);
		assertThat(request.await(TimeUnit.MILLISECONDS.toNanos(20), false)).isNull();
		assertThat(handle.isEnded()).isTrue();
		assertThat(dump()).singleElement().satisfies((info) -> assertThat(info.grantedMode()).isEqualTo(DlmMode.EX));
		DlmRequest.unlock(holder, null);
		assertThat(dump()).isEmpty();
	}

	@Test
	void interruptCancelsTheRequestAndThrows() throws Exception {
		DlmLockHandle holder = hold(DlmMode.EX);
		DlmLockHandle handle = this.lockspace.newLock(R, null);
		Thread[] waiter = new Thread[1];
		Future<Throwable> outcome = this.executor.submit(() -> {
			waiter[0] = Thread.currentThread();
			try {
				DlmRequest.lock(handle, DlmMode.EX, NONE).await(DlmRequest.FOREVER, true);
				return null;
			}
			catch (InterruptedException ex) {
				assertThat(Thread.currentThread().isInterrupted()).isFalse();
				return ex;
			}
		});
		awaitWaiting(1);
		waiter[0].interrupt();
		assertThat(outcome.get(TIMEOUT_SECONDS, TimeUnit.SECONDS)).isInstanceOf(InterruptedException.class);
		assertThat(handle.isEnded()).isTrue();
		DlmRequest.unlock(holder, null);
		assertThat(dump()).isEmpty();
	}

	@Test
	void abandonUnlocksANewLockWhoseGrantWonTheRace() throws Exception {
		DlmLockHandle holder = hold(DlmMode.EX);
		DlmLockHandle handle = this.lockspace.newLock(R, null);
		DlmRequest request = DlmRequest.lock(handle, DlmMode.EX, NONE);
		awaitWaiting(1);
		DlmRequest.unlock(holder, null);
		await().atMost(TIMEOUT_SECONDS, TimeUnit.SECONDS).until(request.completion()::isDone);
		// granted before the cancel: the cancel finds nothing to cancel
		assertThat(request.abandon()).isNull();
		assertThat(handle.isEnded()).isTrue();
		assertThat(dump()).isEmpty();
	}

	@Test
	void abandonKeepsAConversionWhoseGrantWonTheRace() throws Exception {
		DlmLockHandle blocker = hold(DlmMode.PR);
		DlmLockHandle handle = hold(DlmMode.PR);
		DlmRequest conversion = DlmRequest.convert(handle, DlmMode.EX, NONE, null);
		awaitWaiting(1);
		DlmRequest.unlock(blocker, null);
		await().atMost(TIMEOUT_SECONDS, TimeUnit.SECONDS).until(conversion.completion()::isDone);
		DlmCompletion kept = conversion.abandon();
		assertThat(kept).isNotNull();
		assertThat(kept.grantedMode()).isEqualTo(DlmMode.EX);
		assertThat(handle.grantedMode()).isEqualTo(DlmMode.EX);
		DlmRequest.unlock(handle, null);
		assertThat(dump()).isEmpty();
	}

	@Test
	void conversionNotGrantedInTimeKeepsTheModeHeld() throws Exception {
		DlmLockHandle blocker = hold(DlmMode.PR);
		DlmLockHandle handle = hold(DlmMode.PR);
		DlmRequest conversion = DlmRequest.convert(handle, DlmMode.EX, NONE, null);
		assertThat(conversion.await(TimeUnit.MILLISECONDS.toNanos(20), true)).isNull();
		assertThat(handle.isEnded()).isFalse();
		assertThat(handle.grantedMode()).isEqualTo(DlmMode.PR);
		DlmRequest.unlock(handle, null);
		DlmRequest.unlock(blocker, null);
		assertThat(dump()).isEmpty();
	}

	@Test
	void conversionDeadlockThrows() throws Exception {
		DlmLockHandle first = hold(DlmMode.PR);
		DlmLockHandle second = hold(DlmMode.PR);
		DlmRequest waiting = DlmRequest.convert(first, DlmMode.EX, NONE, null);
		awaitWaiting(1);
		DlmRequest deadlocked = DlmRequest.convert(second, DlmMode.EX, NONE, null);
		// the lock manager refuses one of the two conversions; the other waits for its PR
		await().atMost(TIMEOUT_SECONDS, TimeUnit.SECONDS)
			.until(() -> waiting.completion().isDone() || deadlocked.completion().isDone());
		boolean firstRefused = waiting.completion().isDone();
		DlmRequest refused = firstRefused ? waiting : deadlocked;
		DlmRequest other = firstRefused ? deadlocked : waiting;
		assertThatExceptionOfType(DlmDeadlockException.class)
			.isThrownBy(() -> refused.await(TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS), true))
			.withMessageContaining("convert PR to EX");
		DlmRequest.unlock(firstRefused ? first : second, null);
		assertThat(other.await(TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS), true)).isNotNull();
		DlmRequest.unlock(firstRefused ? second : first, null);
		assertThat(dump()).isEmpty();
	}

	@Test
	void timeoutsRacingGrantsNeverLeakALock() throws Exception {
		int rounds = 2_000;
		AtomicInteger granted = new AtomicInteger();
		AtomicInteger inside = new AtomicInteger();
		List<Future<?>> workers = new ArrayList<>();
		for (int worker = 0; worker < 4; worker++) {
			workers.add(this.executor.submit(() -> {
				ThreadLocalRandom random = ThreadLocalRandom.current();
				for (int round = 0; round < rounds; round++) {
					DlmLockHandle handle = this.lockspace.newLock(R, null);
					// waits around the time another worker holds the lock, so grants race timeouts
					DlmCompletion grant = DlmRequest.lock(handle, DlmMode.EX, NONE)
						.await(random.nextLong(1_000, 200_000), random.nextBoolean());
					if (grant == null) {
						assertThat(handle.isEnded()).isTrue();
						continue;
					}
					assertThat(inside.incrementAndGet()).isOne();
					granted.incrementAndGet();
					inside.decrementAndGet();
					DlmRequest.unlock(handle, null);
				}
				return null;
			}));
		}
		for (Future<?> worker : workers) {
			worker.get(5 * TIMEOUT_SECONDS, TimeUnit.SECONDS);
		}
		assertThat(granted.get()).isPositive();
		await().atMost(TIMEOUT_SECONDS, TimeUnit.SECONDS).untilAsserted(() -> assertThat(dump()).isEmpty());
	}

	@Test
	void joinWaitsThroughAnInterrupt() {
		CompletableFuture<DlmCompletion> future = CompletableFuture.supplyAsync(
				() -> new DlmCompletion(DlmStatus.UNLOCKED, null, Set.of(), null), this.executor);
		Thread.currentThread().interrupt();
		try {
			assertThat(DlmRequest.join(future).status()).isEqualTo(DlmStatus.UNLOCKED);
			assertThat(Thread.currentThread().isInterrupted()).isTrue();
		}
		finally {
			Thread.interrupted();
		}
	}

	@Test
	void joinRethrowsAFailure() {
		CompletableFuture<DlmCompletion> future = CompletableFuture.failedFuture(new DlmException("refused", 0));
		assertThatExceptionOfType(DlmException.class).isThrownBy(() -> DlmRequest.join(future))
			.withMessage("refused");
	}

	private DlmLockHandle hold(DlmMode mode) throws InterruptedException {
		DlmLockHandle handle = this.lockspace.newLock(R, null);
		assertThat(DlmRequest.lock(handle, mode, NONE).await(DlmRequest.FOREVER, false)).isNotNull();
		return handle;
	}

	private void awaitWaiting(int count) {
		await().atMost(TIMEOUT_SECONDS, TimeUnit.SECONDS)
			.until(() -> dump().stream().filter((info) -> info.requestedMode() != null).count() == count);
	}

	private List<LocalLockInfo> dump() {
		return this.client.dump(LOCKSPACE);
	}

}
