package io.github.dlm.lock;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;

/**
 * A task run again and again on a daemon thread of its own, with a fixed delay between
 * runs, between {@link #start()} and {@link #stop()}: the thread exists only while started.
 * What the background monitors of this package share. The task must not throw (a task
 * that throws is not run again).
 */
final class PeriodicTask {

	private final String threadName;

	private final Runnable task;

	private @Nullable ScheduledExecutorService executor;

	/**
	 * Creates a task, not started.
	 * @param threadName the name of the thread that runs it
	 * @param task what to run
	 */
	PeriodicTask(String threadName, Runnable task) {
		this.threadName = threadName;
		this.task = task;
	}

	/**
	 * Starts running the task, unless started already.
	 * @param initialDelay the delay before the first run
	 * @param interval the delay between the end of one run and the start of the next
	 */
	synchronized void start(Duration initialDelay, Duration interval) {
		if (this.executor == null) {
			ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor((runnable) -> {
				Thread thread = new Thread(runnable, this.threadName);
				thread.setDaemon(true);
				return thread;
			});
			executor.scheduleWithFixedDelay(this.task, initialDelay.toNanos(), interval.toNanos(),
					TimeUnit.NANOSECONDS);
			this.executor = executor;
		}
	}

	/**
	 * Stops running the task and interrupts a run under way. Idempotent.
	 */
	synchronized void stop() {
		if (this.executor != null) {
			this.executor.shutdownNow();
			this.executor = null;
		}
	}

	/**
	 * Whether the task is scheduled.
	 * @return {@code true} between {@link #start} and {@link #stop()}
	 */
	synchronized boolean isRunning() {
		return this.executor != null;
	}

}
