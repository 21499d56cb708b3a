package io.github.dlm.cluster.workload;

import java.time.Duration;

/**
 * One lock service under the fault workload: how a client takes the workload's exclusive
 * lock, runs one critical section (read the shared counter, write it plus one) and lets go.
 * <p>
 * Implementations exist for the DLM through the starter's registry and through
 * {@code @DlmLocked}, and for the lease-based peers users pick instead (Spring
 * Integration's {@code RedisLockRegistry} and {@code JdbcLockRegistry}), so that the same
 * workload and the same faults run against each.
 */
public interface WorkloadSystem extends AutoCloseable {

	/**
	 * The system's name as it appears in histories and in the result table, for example
	 * {@code dlm-registry} or {@code redis-lease-10s}.
	 * @return the name, without blanks
	 */
	String name();

	/**
	 * Takes the lock named {@code key}, waiting at most {@code wait}, runs
	 * {@code criticalSection} while holding it and releases it.
	 * @param key the lock's name, the same on every client
	 * @param wait how long to wait for the lock before giving up
	 * @param criticalSection what to run under the lock; it reports the grant and the
	 * release itself (the caller's history), so implementations only lock around it
	 * @return {@code false} when the lock was not acquired within {@code wait} (the section
	 * did not run), {@code true} when the section ran
	 * @throws InterruptedException if interrupted while waiting
	 * @throws Exception when the section failed or the system could not release the lock
	 * (for a lease-based lock, a release after the lease expired); the caller records it
	 */
	boolean runLocked(String key, Duration wait, CriticalSection criticalSection) throws Exception;

	/**
	 * Releases what the system holds (connections, lockspaces).
	 */
	@Override
	void close() throws Exception;

	/**
	 * The work done under the lock.
	 */
	@FunctionalInterface
	interface CriticalSection {

		/**
		 * Runs the section.
		 * @throws Exception on failure
		 */
		void run() throws Exception;

	}

}
