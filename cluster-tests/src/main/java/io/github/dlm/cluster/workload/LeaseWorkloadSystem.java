package io.github.dlm.cluster.workload;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Lock;

import org.springframework.integration.support.locks.LockRegistry;

/**
 * A {@link WorkloadSystem} over a lease-based Spring Integration {@link LockRegistry}: takes
 * the lock exactly as a user of the registry writes it ({@code obtain}, {@code tryLock},
 * section, {@code unlock}) and owns what has to be closed after it.
 * <p>
 * The lock is a lease: the store forgets it {@link #lease()} after it was taken, whether the
 * holder is done or not, and nothing renews it. A holder that stalls past the lease (a long GC
 * pause, a stopped process) goes on running its section while another client is granted the
 * lock; it learns of the loss only from {@code unlock()}, which then throws. That exception
 * propagates from {@link #runLocked} (after the section's own exception, if any, as a
 * suppressed one), so the workload records the release as failed.
 */
abstract class LeaseWorkloadSystem implements WorkloadSystem {

	private final String name;

	private final Duration lease;

	private final LockRegistry<?> registry;

	private final Deque<AutoCloseable> resources;

	/**
	 * Creates a system over an opened registry.
	 * @param name the system's name
	 * @param lease how long the store keeps a lock nobody released
	 * @param registry the registry
	 * @param resources what to close, last opened first, when the system is closed
	 */
	LeaseWorkloadSystem(String name, Duration lease, LockRegistry<?> registry, Deque<AutoCloseable> resources) {
		this.name = name;
		this.lease = lease;
		this.registry = registry;
		this.resources = new ArrayDeque<>(resources);
	}

	@Override
	public String name() {
		return this.name;
	}

	/**
	 * How long a lock lives in the store when nobody releases it.
	 * @return the lease
	 */
	public Duration lease() {
		return this.lease;
	}

	@Override
	public boolean runLocked(String key, Duration wait, CriticalSection criticalSection) throws Exception {
		Lock lock = this.registry.obtain(key);
		if (!lock.tryLock(wait.toMillis(), TimeUnit.MILLISECONDS)) {
			return false;
		}
		try {
			criticalSection.run();
		}
		catch (Throwable ex) {
			try {
				lock.unlock();
			}
			catch (RuntimeException unlockFailure) {
				ex.addSuppressed(unlockFailure);
			}
			throw ex;
		}
		lock.unlock();
		return true;
	}

	@Override
	public void close() throws Exception {
		closeAll(this.resources);
	}

	/**
	 * Closes resources, last opened first, all of them even when one fails.
	 * @param resources the resources, last opened on top; emptied
	 * @throws Exception the first failure, with later ones suppressed
	 */
	static void closeAll(Deque<AutoCloseable> resources) throws Exception {
		Exception failure = null;
		while (!resources.isEmpty()) {
			try {
				resources.pop().close();
			}
			catch (Exception ex) {
				if (failure == null) {
					failure = ex;
				}
				else {
					failure.addSuppressed(ex);
				}
			}
		}
		if (failure != null) {
			throw failure;
		}
	}

	/**
	 * Closes what a factory opened before it failed.
	 * @param resources the resources, last opened on top; emptied
	 * @param cause the factory's failure, which gets any failure to close as a suppressed one
	 */
	static void closeAfterFailure(Deque<AutoCloseable> resources, Exception cause) {
		try {
			closeAll(resources);
		}
		catch (Exception ex) {
			cause.addSuppressed(ex);
		}
	}

	@Override
	public String toString() {
		return this.name + " (lease " + this.lease.toMillis() + " ms, " + this.registry + ")";
	}

}
