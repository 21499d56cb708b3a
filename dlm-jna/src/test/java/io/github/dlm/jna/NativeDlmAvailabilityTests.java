package io.github.dlm.jna;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.github.dlm.core.DlmUnavailableException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

/**
 * The availability probe: on this machine for real, and against prepared directories that
 * stand for {@code /proc/misc}, {@code /dev} and {@code /sys/kernel/config} in each state a
 * node can be in.
 */
class NativeDlmAvailabilityTests {

	private static final Duration NO_HANG = Duration.ofSeconds(30);

	@TempDir
	Path root;

	@Test
	void withoutKernelDlmTheProbeNamesTheMissingModuleAndTheFix() throws Exception {
		NativeTestSupport.requireLibDlm();
		assumeFalse(kernelHasDlm(), "this machine has a kernel DLM; covered by the cluster tests");
		NativeDlmAvailability availability = assertTimeoutPreemptively(NO_HANG, () -> NativeDlmAvailability.check(null));
		assertThat(availability.isAvailable()).isFalse();
		assertThat(availability.getLibrary()).as("the library itself loaded").isNotNull();
		assertThat(availability.getReason()).contains("dlm kernel module is not loaded")
			.contains("/proc/misc")
			.contains("modprobe dlm")
			.contains("dlm_controld");
	}

	@Test
	void withoutKernelDlmTheClientFailsWithTheProbesReason() {
		NativeTestSupport.requireLibDlm();
		assumeFalse(kernelHasDlm(), "this machine has a kernel DLM; covered by the cluster tests");
		String reason = NativeDlmAvailability.check(null).getReason();
		assertThatExceptionOfType(DlmUnavailableException.class)
			.isThrownBy(() -> assertTimeoutPreemptively(NO_HANG, () -> new NativeDlmClient()))
			.withMessage(reason)
			.withMessageContaining("modprobe dlm");
	}

	@Test
	void missingLibraryOverrideIsReportedBeforeAnythingElse() {
		String missing = this.root.resolve("lib/libdlm.so.3").toString();
		NativeDlmAvailability availability = NativeDlmAvailability.check(missing);
		assertThat(availability.isAvailable()).isFalse();
		assertThat(availability.getLibrary()).isNull();
		assertThat(availability.getReason()).startsWith("The native DLM backend is not available: ")
			.contains(missing)
			.contains("NativeDlmSettings.libraryPath")
			.doesNotContain("dlm.native");
		assertThat(availability.getProblem()).isEqualTo(NativeDlmAvailability.Problem.LIBRARY);
		assertThatExceptionOfType(DlmUnavailableException.class)
			.isThrownBy(() -> new NativeDlmClient(NativeDlmSettings.DEFAULTS.withLibraryPath(missing)))
			.withMessageContaining(missing);
	}

	@Test
	void unreadableProcMiscAsksWhetherProcIsMounted() {
		NativeTestSupport.requireLibDlm();
		NativeDlmAvailability availability = check();
		assertThat(availability.isAvailable()).isFalse();
		assertThat(availability.getReason()).contains("cannot read").contains("is /proc mounted");
	}

	@Test
	void moduleNotLoaded() throws Exception {
		NativeTestSupport.requireLibDlm();
		Files.writeString(procMisc(), "229 fuse\n237 loop-control\n");
		assertThat(check().getReason()).contains("dlm kernel module is not loaded").contains("modprobe dlm");
		assertThat(check().getProblem()).isEqualTo(NativeDlmAvailability.Problem.KERNEL_MODULE);
	}

	@Test
	void kernelDeviceWithoutUdevLinkPointsAtTheUdevRules() throws Exception {
		NativeTestSupport.requireLibDlm();
		moduleLoaded();
		Files.createDirectories(dev());
		Files.createFile(dev().resolve("dlm-control"));
		assertThat(check().getReason()).contains("the kernel created " + dev().resolve("dlm-control"))
			.contains("only opens " + dev().resolve("misc/dlm-control"))
			.contains("51-dlm.rules")
			.contains("dlm-controld");
	}

	@Test
	void noDeviceAtAll() throws Exception {
		NativeTestSupport.requireLibDlm();
		moduleLoaded();
		assertThat(check().getReason()).contains(dev().resolve("misc/dlm-control") + " does not exist")
			.contains("udevadm trigger");
		assertThat(check().getProblem()).isEqualTo(NativeDlmAvailability.Problem.DEVICE);
	}

	@Test
	void deviceWithoutPermission() throws Exception {
		NativeTestSupport.requireLibDlm();
		assumeFalse("root".equals(System.getProperty("user.name")), "root may read and write any file");
		moduleLoaded();
		Path control = controlDevice();
		Files.setPosixFilePermissions(control, PosixFilePermissions.fromString("r--r--r--"));
		assertThat(check().getReason()).contains("may not read and write " + control).contains("0666");
		assertThat(check().getProblem()).isEqualTo(NativeDlmAvailability.Problem.PERMISSION);
	}

	@Test
	void daemonNotRunning() throws Exception {
		NativeTestSupport.requireLibDlm();
		moduleLoaded();
		controlDevice();
		assertThat(check().getReason()).contains("dlm_controld is not running")
			.contains(configfs().resolve("dlm/cluster").toString())
			.contains("systemctl start corosync dlm");
		assertThat(check().getProblem()).isEqualTo(NativeDlmAvailability.Problem.DAEMON);
	}

	@Test
	void everythingInPlace() throws Exception {
		NativeTestSupport.requireLibDlm();
		moduleLoaded();
		controlDevice();
		Files.createDirectories(configfs().resolve("dlm/cluster"));
		NativeDlmAvailability availability = check();
		assertThat(availability.isAvailable()).as(availability.getReason()).isTrue();
		assertThat(availability.requireAvailable()).isNotNull();
		assertThat(availability.getProblem()).isNull();
	}

	@Test
	void requireAvailableThrowsTheReason() throws Exception {
		NativeTestSupport.requireLibDlm();
		moduleLoaded();
		NativeDlmAvailability availability = check();
		assertThatExceptionOfType(DlmUnavailableException.class).isThrownBy(availability::requireAvailable)
			.withMessage(availability.getReason());
	}

	private NativeDlmAvailability check() {
		return NativeDlmAvailability.check(null, procMisc(), dev(), configfs(), false);
	}

	private void moduleLoaded() throws Exception {
		Files.writeString(procMisc(), "229 fuse\n 57 dlm_plock\n 58 dlm-monitor\n 59 dlm-control\n");
	}

	private Path controlDevice() throws Exception {
		Path control = dev().resolve("misc/dlm-control");
		Files.createDirectories(control.getParent());
		return Files.createFile(control);
	}

	private Path procMisc() {
		return this.root.resolve("proc-misc");
	}

	private Path dev() {
		return this.root.resolve("dev");
	}

	private Path configfs() {
		return this.root.resolve("config");
	}

	private static boolean kernelHasDlm() {
		try {
			return Files.readAllLines(Paths.get("/proc/misc")).stream().anyMatch((line) -> line.endsWith(" dlm-control"));
		}
		catch (Exception ex) {
			return false;
		}
	}

}
