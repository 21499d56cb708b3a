package io.github.dlm.cluster.workload;

/**
 * Where the lease-based peers' servers listen: Redis and PostgreSQL on one host, as
 * {@code cluster/peer-servers.sh} starts them in a node (PostgreSQL's database and user
 * {@code postgres}, no password: the cluster's private switch trusts its own subnet).
 *
 * @param host the servers' address, for example a node's cluster address
 * @param redisPort Redis's port
 * @param postgresPort PostgreSQL's port
 */
public record PeerServers(String host, int redisPort, int postgresPort) {

	/** Redis's standard port, the one {@code cluster/peer-servers.sh} uses. */
	public static final int REDIS_PORT = 6379;

	/** PostgreSQL's standard port, the one {@code cluster/peer-servers.sh} uses. */
	public static final int POSTGRES_PORT = 5432;

	/**
	 * The servers on their standard ports.
	 * @param host the servers' address
	 * @return where they listen
	 */
	public static PeerServers standardPorts(String host) {
		return new PeerServers(host, REDIS_PORT, POSTGRES_PORT);
	}

	/**
	 * The JDBC URL of the PostgreSQL database holding the {@code INT_LOCK} table.
	 * @return the URL
	 */
	public String jdbcUrl() {
		return "jdbc:postgresql://" + this.host + ":" + this.postgresPort + "/postgres";
	}

	@Override
	public String toString() {
		return "redis " + this.host + ":" + this.redisPort + ", postgresql " + this.host + ":" + this.postgresPort;
	}

}
