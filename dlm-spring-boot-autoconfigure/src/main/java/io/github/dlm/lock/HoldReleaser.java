package io.github.dlm.lock;

import java.util.concurrent.Executor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import org.springframework.scheduling.concurrent.CustomizableThreadFactory;

/**
 * Runs the releases of asynchronous holds. A release waits for the lock manager, so it
 * must not run on the thread that asked for it when that thread is a DLM callback or a
 * reactive pipeline's; nor on the common pool, where it could queue behind work waiting for
 * this very lock. Its daemon threads end after a few idle seconds.
 */
final class HoldReleaser {

	private static final Executor EXECUTOR;

	static {
		CustomizableThreadFactory threadFactory = new CustomizableThreadFactory("dlm-release-");
		threadFactory.setDaemon(true);
		ThreadPoolExecutor executor = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 5, TimeUnit.SECONDS,
				new SynchronousQueue<>(), threadFactory);
		EXECUTOR = executor;
	}

	private HoldReleaser() {
	}

	static void execute(Runnable release) {
		EXECUTOR.execute(release);
	}

}
