package io.github.dlm.local;

import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import io.github.dlm.core.DlmDispatcherStats;

/**
 * The callback thread of one lockspace handle: delivers completions and blocking callbacks
 * one at a time, in the order the engine queued them, like the kernel's per-file AST queue
 * read by {@code dlm_dispatch}. Callbacks never run under the engine's lock, so whatever they
 * trigger may call the engine again.
 * <p>
 * It counts the callbacks queued or running, so that the engine can tell when it is
 * {@linkplain #isIdle() idle}: only then may a completion known at once bypass it without
 * overtaking an earlier callback of the same handle.
 * <p>
 * It also counts what it delivered, and the time spent delivering, for
 * {@link #stats(String)}.
 */
final class CallbackDispatcher {

	private static final Log logger = LogFactory.getLog(CallbackDispatcher.class);

	private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

	private static final Runnable STOP = () -> {
	};

	private final BlockingQueue<Runnable> queue = new LinkedBlockingQueue<>();

	/** Callbacks enqueued and not yet finished running. */
	private final AtomicInteger pending = new AtomicInteger();

	private final Thread thread;

	private final LongAdder completions = new LongAdder();

	private final LongAdder completionsAtOnce = new LongAdder();

	private final LongAdder blockingCallbacks = new LongAdder();

	private final LongAdder callbackNanos = new LongAdder();

	CallbackDispatcher(String threadName) {
		this.thread = new Thread(this::run, threadName);
		this.thread.setDaemon(true);
		this.thread.start();
	}

	/**
	 * Queues a callback. Called under the engine's lock, so no callback is queued while
	 * the engine sees this dispatcher {@linkplain #isIdle() idle}.
	 */
	void enqueue(Runnable callback, boolean blocking) {
		this.pending.incrementAndGet();
		this.queue.add(() -> {
			long start = System.nanoTime();
			try {
				callback.run();
			}
			finally {
				this.callbackNanos.add(System.nanoTime() - start);
				(blocking ? this.blockingCallbacks : this.completions).increment();
			}
		});
	}

	/**
	 * Counts a completion the engine delivered on the caller's thread, bypassing the queue.
	 */
	void completedAtOnce() {
		this.completions.increment();
		this.completionsAtOnce.increment();
	}

	/**
	 * What this dispatcher has delivered so far.
	 * @param lockspace the name of its lockspace
	 * @return a snapshot
	 */
	DlmDispatcherStats stats(String lockspace) {
		return new DlmDispatcherStats(lockspace, this.thread.getName(), this.thread.isAlive(), isIdle(),
				this.completions.sum(), this.blockingCallbacks.sum(), this.completionsAtOnce.sum(),
				this.callbackNanos.sum());
	}

	/**
	 * Whether every callback queued so far has finished running (not merely been taken from
	 * the queue).
	 */
	boolean isIdle() {
		return this.pending.get() == 0;
	}

	Thread thread() {
		return this.thread;
	}

	/**
	 * Delivers what is queued, then stops the thread and waits for it, unless called from
	 * the thread itself (a callback closing its own lockspace).
	 */
	void shutdown() {
		this.queue.add(STOP);
		if (Thread.currentThread() == this.thread) {
			return;
		}
		boolean interrupted = false;
		long deadline = System.nanoTime() + STOP_TIMEOUT.toNanos();
		while (this.thread.isAlive() && System.nanoTime() < deadline) {
			try {
				this.thread.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
			}
			catch (InterruptedException ex) {
				interrupted = true;
			}
		}
		if (this.thread.isAlive()) {
			logger.warn("DLM callback thread '" + this.thread.getName() + "' did not stop within " + STOP_TIMEOUT
					+ "; a completion or blocking callback is probably blocked. Callbacks must return quickly");
		}
		if (interrupted) {
			Thread.currentThread().interrupt();
		}
	}

	private void run() {
		while (true) {
			Runnable callback;
			try {
				callback = this.queue.take();
			}
			catch (InterruptedException ex) {
				// only STOP ends the thread: queued completions must not be lost
				continue;
			}
			if (callback == STOP) {
				return;
			}
			try {
				callback.run();
			}
			catch (Throwable ex) {
				logger.error("DLM callback on thread '" + this.thread.getName() + "' failed", ex);
			}
			finally {
				this.pending.decrementAndGet();
			}
		}
	}

}
