package io.github.dlm.lock;

import java.util.concurrent.Future;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import org.springframework.scheduling.concurrent.CustomizableThreadFactory;

/**
 * The threads of asynchronous holds: one that ends wait limits, and a pool that runs
 * releases. A release waits for the lock manager, so it must not run on the thread that
 * asked for it when that thread is a DLM callback or a reactive pipeline's; nor on the
 * common pool, where it could queue behind work waiting for this very lock. All threads
 * are daemons; the pool's end after a few idle seconds, and a wait limit's task is removed
 * as soon as its request completes.
 */
final class AsyncHoldExecutors {

	private static final ThreadPoolExecutor RELEASES = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 5,
			TimeUnit.SECONDS, new SynchronousQueue<>(), daemonThreads("dlm-release-"));

	private static final ScheduledThreadPoolExecutor WAIT_LIMITS = waitLimits();

	private AsyncHoldExecutors() {
	}

	/**
	 * Runs a release on a pool thread.
	 * @param release the release
	 */
	static void release(Runnable release) {
		RELEASES.execute(release);
	}

	/**
	 * Runs an action once a wait limit ran out.
	 * @param action what to do
	 * @param nanos the wait limit
	 * @return the scheduled action, to cancel when no longer needed
	 */
	static Future<?> afterWaitLimit(Runnable action, long nanos) {
		return WAIT_LIMITS.schedule(action, nanos, TimeUnit.NANOSECONDS);
	}

	private static ScheduledThreadPoolExecutor waitLimits() {
		ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, daemonThreads("dlm-wait-limit-"));
		executor.setRemoveOnCancelPolicy(true);
		executor.setKeepAliveTime(5, TimeUnit.SECONDS);
		executor.allowCoreThreadTimeOut(true);
		return executor;
	}

	private static CustomizableThreadFactory daemonThreads(String prefix) {
		CustomizableThreadFactory threadFactory = new CustomizableThreadFactory(prefix);
		threadFactory.setDaemon(true);
		return threadFactory;
	}

}
