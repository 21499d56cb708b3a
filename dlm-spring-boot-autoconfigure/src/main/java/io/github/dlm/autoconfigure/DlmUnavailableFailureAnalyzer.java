package io.github.dlm.autoconfigure;

import io.github.dlm.core.Errno;
import io.github.dlm.core.DlmUnavailableException;

/**
 * The kernel DLM cannot be used: {@code dlm.backend=native} found it unusable (a
 * {@link NativeBackendUnavailableException} says which part is missing), or the native
 * backend failed with {@code EUNATCH} (no {@code dlm_controld}), {@code EADDRNOTAVAIL}
 * (the cluster address is missing) or a library that cannot be loaded.
 */
final class DlmUnavailableFailureAnalyzer extends DlmFailureAnalyzer<DlmUnavailableException> {

	private static final String INSTALL_LIBDLM = "Install libdlm: 'apt-get install libdlm3' (Debian/Ubuntu) or "
			+ "'dnf install dlm-lib' (Fedora/RHEL), or set dlm.native.library-path to the library file.";

	private static final String START_CLUSTER = "Make the kernel DLM usable on this node: the dlm kernel module "
			+ "loaded ('modprobe dlm'), corosync and dlm_controld running ('systemctl start corosync dlm') and "
			+ "the cluster quorate.";

	@Override
	String action(DlmUnavailableException cause) {
		return backendAction(cause) + " " + USE_LOCAL_ENGINE;
	}

	private static String backendAction(DlmUnavailableException cause) {
		if (cause instanceof NativeBackendUnavailableException unavailable) {
			return switch (unavailable.getProblem()) {
				case BINDING_MISSING -> "Add io.github.dlm:dlm-jna to the application's dependencies "
						+ "(dlm-spring-boot-starter brings it with JNA).";
				case LIBRARY_NOT_LOADED -> (unavailable.getLibraryPath() != null)
						? "Set dlm.native.library-path to a libdlm.so.3 built for this platform (Debian: "
								+ "/usr/lib/x86_64-linux-gnu/libdlm.so.3 from the libdlm3 package), or remove it to "
								+ "load the system's libdlm.so.3."
						: INSTALL_LIBDLM;
				case KERNEL_NOT_READY -> START_CLUSTER;
				case NATIVE_IMAGE -> "Run the application on a JVM to use the kernel DLM; a native image can use "
						+ "only the local engine.";
			};
		}
		return switch (cause.getErrno()) {
			case Errno.EUNATCH -> "Start corosync and dlm_controld ('systemctl start corosync dlm') and wait "
					+ "until the cluster is quorate.";
			case Errno.EADDRNOTAVAIL -> "Make the network interface named in corosync.conf available, or "
					+ "correct corosync.conf, then restart corosync and dlm_controld.";
			default -> "Check that libdlm is installed ('apt-get install libdlm3' on Debian/Ubuntu, 'dnf install "
					+ "dlm-lib' on Fedora/RHEL) or that dlm.native.library-path points at it. " + START_CLUSTER;
		};
	}

}
