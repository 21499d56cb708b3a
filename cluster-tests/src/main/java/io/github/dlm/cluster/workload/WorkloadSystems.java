package io.github.dlm.cluster.workload;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * Makes a {@link WorkloadSystem} by name: the DLM ones here, the lease-based peers through
 * {@link PeerSystems}.
 */
public final class WorkloadSystems {

	/** The lockspace the DLM systems lock in. */
	public static final String LOCKSPACE = "workload";

	/** How long a client waits for the lock before it records a timeout and tries again. */
	public static final Duration WAIT = Duration.ofMinutes(5);

	private WorkloadSystems() {
	}

	/**
	 * Makes a system.
	 * @param name {@code dlm-registry}, {@code dlm-annotation}, or a name
	 * {@link PeerSystems#create} knows
	 * @param serverHost where a peer's server runs (unused by the DLM systems)
	 * @return the system
	 * @throws IllegalArgumentException for a name nobody knows
	 */
	public static WorkloadSystem create(String name, String serverHost) {
		WorkloadSystem system = switch (name) {
			case DlmRegistrySystem.NAME -> new DlmRegistrySystem(LOCKSPACE);
			case DlmAnnotationSystem.NAME -> new DlmAnnotationSystem(LOCKSPACE, WAIT);
			default -> peer(name, serverHost);
		};
		if (system == null) {
			throw new IllegalArgumentException("No workload system named '" + name + "'");
		}
		return system;
	}

	private static @Nullable WorkloadSystem peer(String name, String serverHost) {
		return PeerSystems.create(name, serverHost);
	}

}
