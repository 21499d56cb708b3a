package io.github.dlm.cluster.workload;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * The lease-based lock services the fault workload compares the DLM with: Spring
 * Integration's {@code RedisLockRegistry} and {@code JdbcLockRegistry}, each with its default
 * lease and with a short one, used exactly as an application uses them ({@code obtain},
 * {@code tryLock(wait)}, section, {@code unlock()}; no renewal).
 * <ul>
 * <li>{@code redis-default}: {@code RedisLockRegistry} with its default expiry, 60 s, in its
 * default {@code SPIN_LOCK} mode</li>
 * <li>{@code redis-short}: the same with a 5 s expiry</li>
 * <li>{@code jdbc-default}: {@code JdbcLockRegistry} over PostgreSQL with its default time to
 * live, 10 s</li>
 * <li>{@code jdbc-short}: the same with a 3 s time to live</li>
 * </ul>
 * The lease is what bounds how long a lock outlives a crashed holder: a waiter gets the lock
 * at most a lease after its holder died. It is also what the holder itself is bound by: a
 * holder that stalls past its lease (paused JVM, frozen node, a section slower than the lease)
 * loses the lock behind its back while it goes on running its section, so a second client is
 * granted the lock and both write; the first learns of it only when its {@code unlock()}
 * throws. A short lease recovers sooner from a dead holder and breaks exclusion after shorter
 * stalls; a long one the other way round. The DLM has no lease: a paused holder keeps the
 * lock, and a dead or cut-off one is fenced before anyone else is granted it.
 * <p>
 * The servers run in one node ({@code cluster/peer-servers.sh start NODE}), the clients in
 * the others.
 */
public final class PeerSystems {

	/** {@code redis-short}'s expiry. */
	public static final Duration REDIS_SHORT_LEASE = Duration.ofSeconds(5);

	/** {@code jdbc-short}'s time to live. */
	public static final Duration JDBC_SHORT_LEASE = Duration.ofSeconds(3);

	private PeerSystems() {
	}

	/**
	 * Opens a peer system by name against servers on their standard ports, as
	 * {@code cluster/peer-servers.sh} starts them.
	 * @param name {@code redis-default}, {@code redis-short}, {@code jdbc-default} or
	 * {@code jdbc-short}
	 * @param serverHost the address of the node running the servers
	 * @return the opened system, or {@code null} when {@code name} is none of the above
	 * @throws IllegalStateException when the system's server cannot be reached
	 */
	public static @Nullable WorkloadSystem create(String name, String serverHost) {
		return create(name, PeerServers.standardPorts(serverHost));
	}

	/**
	 * Opens a peer system by name against servers on the given ports.
	 * @param name {@code redis-default}, {@code redis-short}, {@code jdbc-default} or
	 * {@code jdbc-short}
	 * @param servers where the servers listen
	 * @return the opened system, or {@code null} when {@code name} is none of the above
	 * @throws IllegalStateException when the system's server cannot be reached
	 */
	public static @Nullable WorkloadSystem create(String name, PeerServers servers) {
		return switch (name) {
			case "redis-default" -> RedisWorkloadSystem.open(name, servers, null);
			case "redis-short" -> RedisWorkloadSystem.open(name, servers, REDIS_SHORT_LEASE);
			case "jdbc-default" -> JdbcWorkloadSystem.open(name, servers, null);
			case "jdbc-short" -> JdbcWorkloadSystem.open(name, servers, JDBC_SHORT_LEASE);
			default -> null;
		};
	}

}
