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

	/**
	 * Whether a system of that name can be made here (the peers only once their classes are
	 * there).
	 * @param name the name
	 * @param serverHost where a peer's server runs
	 * @return {@code true} if {@link #create} would make it
	 */
	public static boolean exists(String name, String serverHost) {
		if (name.equals(DlmRegistrySystem.NAME) || name.equals(DlmAnnotationSystem.NAME)) {
			return true;
		}
		try (WorkloadSystem peer = peer(name, serverHost)) {
			return peer != null;
		}
		catch (Exception ex) {
			return true;
		}
	}

	private static @Nullable WorkloadSystem peer(String name, String serverHost) {
		return PeerSystems.create(name, serverHost);
	}

}
