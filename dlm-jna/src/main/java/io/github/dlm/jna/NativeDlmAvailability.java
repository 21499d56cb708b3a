package io.github.dlm.jna;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;

import com.sun.jna.Native;
import com.sun.jna.ptr.IntByReference;
import org.jspecify.annotations.Nullable;

import io.github.dlm.core.DlmUnavailableException;
import io.github.dlm.core.Errno;

/**
 * Whether the native DLM can be used on this machine, and if not, exactly why and how to
 * fix it. Lets an application choose between the native and the local backend, and
 * {@link NativeDlmClient} fail with a precise message; {@link #getProblem()} tells which
 * piece is missing.
 * <p>
 * The checks run in the order a missing piece is usually found and never block: libdlm
 * loads; the {@code dlm} kernel module is loaded ({@code dlm-control} in {@code /proc/misc});
 * udev made {@code /dev/misc/dlm-control} (libdlm only looks there, after waiting ~10 s); the
 * process may read and write it; {@code dlm_controld} runs (it creates
 * {@code /sys/kernel/config/dlm/cluster}); the kernel speaks device protocol 6.
 * {@code dlm_kernel_version} is called only after the device was found, because libdlm
 * waits for a missing device node.
 */
public final class NativeDlmAvailability {

	private static final String PREFIX = "The native DLM backend is not available: ";

	private final @Nullable Problem problem;

	private final String reason;

	private final @Nullable LibDlm libDlm;

	private NativeDlmAvailability(@Nullable Problem problem, String reason, @Nullable LibDlm libDlm) {
		this.problem = problem;
		this.reason = reason;
		this.libDlm = libDlm;
	}

	/**
	 * Checks this machine.
	 * @param libraryPath the libdlm file to load, or {@code null} for the system's
	 * {@code libdlm.so.3}
	 * @return the result
	 */
	public static NativeDlmAvailability check(@Nullable String libraryPath) {
		return check(libraryPath, Paths.get("/proc/misc"), Paths.get("/dev"), Paths.get("/sys/kernel/config"), true);
	}

	/**
	 * Checks against the given system paths (for tests with prepared directories).
	 * @param libraryPath the libdlm file, or {@code null}
	 * @param procMisc the misc device list, normally {@code /proc/misc}
	 * @param dev the device directory, normally {@code /dev}
	 * @param configfs the configfs mount, normally {@code /sys/kernel/config}
	 * @param askKernel whether to call {@code dlm_kernel_version} once the device is found
	 * @return the result
	 */
	static NativeDlmAvailability check(@Nullable String libraryPath, Path procMisc, Path dev, Path configfs,
			boolean askKernel) {
		LibDlm libDlm;
		try {
			libDlm = LibDlmLoader.load(libraryPath);
		}
		catch (DlmUnavailableException ex) {
			return unavailable(Problem.LIBRARY, ex.getMessage(), null);
		}
		NativeDlmAvailability notReady = checkKernel(procMisc, dev, configfs, libDlm);
		if (notReady != null) {
			return notReady;
		}
		if (askKernel) {
			IntByReference major = new IntByReference();
			IntByReference minor = new IntByReference();
			IntByReference patch = new IntByReference();
			if (libDlm.dlm_kernel_version(major, minor, patch) != 0) {
				return unavailable(Problem.PROTOCOL,
						"dlm_kernel_version failed with " + Errno.name(Native.getLastError())
						+ " although /dev/misc/dlm-control exists: check the kernel log (dmesg) for DLM errors",
						libDlm);
			}
			if (major.getValue() != 6) {
				return unavailable(Problem.PROTOCOL,
						"the kernel DLM speaks device protocol " + major.getValue() + "." + minor.getValue()
						+ "." + patch.getValue() + " but libdlm 4 needs 6.x: use a kernel from the last decade",
						libDlm);
			}
		}
		return new NativeDlmAvailability(null, "libdlm loaded and the kernel DLM is ready", libDlm);
	}

	private static @Nullable NativeDlmAvailability checkKernel(Path procMisc, Path dev, Path configfs,
			LibDlm libDlm) {
		List<String> misc;
		try {
			misc = Files.readAllLines(procMisc);
		}
		catch (IOException ex) {
			return unavailable(Problem.KERNEL_MODULE,
					"cannot read " + procMisc + " (" + ex + ") to find the dlm-control device: is /proc mounted?",
					libDlm);
		}
		if (misc.stream().map(String::trim).noneMatch((line) -> line.endsWith(" dlm-control"))) {
			return unavailable(Problem.KERNEL_MODULE,
					"the dlm kernel module is not loaded (" + procMisc + " lists no dlm-control device): load it with "
					+ "'modprobe dlm' (it ships with the distribution kernel, e.g. Debian's linux-image-amd64), then "
					+ "start the cluster stack: corosync and dlm_controld ('apt-get install dlm-controld corosync', "
					+ "'systemctl start corosync dlm')", libDlm);
		}
		Path control = dev.resolve("misc/dlm-control");
		if (!Files.exists(control)) {
			String found = Files.exists(dev.resolve("dlm-control")) ? "the kernel created " + dev.resolve("dlm-control")
					+ " but libdlm only opens " + control : control + " does not exist";
			return unavailable(Problem.DEVICE,
					found + ": the udev rules that create the /dev/misc links come with dlm_controld (Debian package "
					+ "dlm-controld, file 51-dlm.rules); install it and run 'udevadm trigger', or start the 'dlm' service",
					libDlm);
		}
		if (!Files.isReadable(control) || !Files.isWritable(control)) {
			return unavailable(Problem.PERMISSION,
					"this process (user " + System.getProperty("user.name") + ") may not read and write " + control
					+ ": dlm-controld's udev rule makes it mode 0666; check the device's mode and any security policy",
					libDlm);
		}
		if (!Files.isDirectory(configfs.resolve("dlm/cluster"))) {
			return unavailable(Problem.DAEMON,
					"dlm_controld is not running (" + configfs.resolve("dlm/cluster") + " does not exist): start corosync, "
					+ "wait until the cluster is quorate, then start dlm_controld ('systemctl start corosync dlm')",
					libDlm);
		}
		return null;
	}

	private static NativeDlmAvailability unavailable(Problem problem, String reason, @Nullable LibDlm libDlm) {
		return new NativeDlmAvailability(problem, PREFIX + reason, libDlm);
	}

	/**
	 * Whether the native backend can be used.
	 * @return {@code true} if every check passed
	 */
	public boolean isAvailable() {
		return this.problem == null;
	}

	/**
	 * Which piece is missing.
	 * @return the problem, or {@code null} when the backend is available
	 */
	public @Nullable Problem getProblem() {
		return this.problem;
	}

	/**
	 * Why the backend is not available, naming the fix; or a short confirmation when it is.
	 * @return the reason
	 */
	public String getReason() {
		return this.reason;
	}

	/**
	 * The loaded library, even when the kernel side is missing.
	 * @return the library, or {@code null} if it could not be loaded
	 */
	@Nullable LibDlm getLibrary() {
		return this.libDlm;
	}

	/**
	 * The loaded library, if everything is available.
	 * @return the library
	 * @throws DlmUnavailableException with {@link #getReason()} otherwise
	 */
	LibDlm requireAvailable() {
		if (this.problem != null || this.libDlm == null) {
			throw new DlmUnavailableException(this.reason, 0);
		}
		return this.libDlm;
	}

	@Override
	public String toString() {
		return (isAvailable() ? "available: " : "unavailable: ") + this.reason;
	}

	/**
	 * The piece of the native DLM stack that is missing, in the order they are checked.
	 */
	public enum Problem {

		/** libdlm cannot be loaded: not installed, or the configured library path is wrong. */
		LIBRARY,

		/** The {@code dlm} kernel module is not loaded (or {@code /proc} cannot be read). */
		KERNEL_MODULE,

		/** {@code /dev/misc/dlm-control} is missing: the udev rules of {@code dlm-controld} did not run. */
		DEVICE,

		/** This process may not read and write {@code /dev/misc/dlm-control}. */
		PERMISSION,

		/** {@code dlm_controld} is not running. */
		DAEMON,

		/** The kernel does not answer, or speaks another device protocol than libdlm. */
		PROTOCOL

	}

}
