package io.github.dlm.cluster.workload;

import org.jspecify.annotations.Nullable;

/**
 * The lease-based peers of the workload (Spring Integration's Redis and JDBC lock
 * registries). A placeholder that knows no system: the peers' own version of this class
 * replaces it.
 */
public final class PeerSystems {

	private PeerSystems() {
	}

	/**
	 * Makes a peer system.
	 * @param name the system's name
	 * @param serverHost where the peer's server runs
	 * @return the system, or {@code null} for a name this class does not know
	 */
	public static @Nullable WorkloadSystem create(String name, String serverHost) {
		return null;
	}

}
