package io.github.dlm.autoconfigure;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.github.dlm.core.DlmClient;
import io.github.dlm.core.DlmException;
import io.github.dlm.core.DlmInvalidRequestException;
import io.github.dlm.core.DlmLockspaceExistsException;
import io.github.dlm.core.DlmLockspaceNotFoundException;
import io.github.dlm.core.DlmPermissionException;
import io.github.dlm.core.DlmUnavailableException;
import io.github.dlm.core.Errno;
import io.github.dlm.core.LockspaceOptions;
import io.github.dlm.local.LocalDlmClient;

import org.springframework.beans.factory.BeanCreationException;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.core.io.support.SpringFactoriesLoader;
import org.springframework.core.io.support.SpringFactoriesLoader.FailureHandler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * The failure analyzers on real exceptions, wrapped as a failed bean creation wraps them:
 * the description is the exception's own message, the action names what to set, chosen by
 * the exception's type and fields.
 */
class DlmFailureAnalyzersTests {

	@Test
	void allAreRegistered() {
		// Spring Boot's own analyzers need constructor arguments; only ours matter here
		List<FailureAnalyzer> analyzers = SpringFactoriesLoader.forDefaultResourceLocation()
			.load(FailureAnalyzer.class, FailureHandler.handleMessage((message, failure) -> {
			}));
		assertThat(analyzers).<Class<?>>extracting(Object::getClass)
			.contains(DlmLockspaceNotFoundFailureAnalyzer.class, DlmLockspaceExistsFailureAnalyzer.class,
					DlmPermissionFailureAnalyzer.class, DlmInvalidRequestFailureAnalyzer.class,
					DlmUnavailableFailureAnalyzer.class, LockRegistryTypeFailureAnalyzer.class);
	}

	@Test
	void missingLockspaceThatWasNotToBeCreated() {
		DlmLockspaceNotFoundException missing;
		try (LocalDlmClient client = new LocalDlmClient()) {
			missing = catchThrowableOfType(DlmLockspaceNotFoundException.class,
					() -> client.openLockspace("absent", new LockspaceOptions(false, 0600, false)));
		}
		FailureAnalysis analysis = new DlmLockspaceNotFoundFailureAnalyzer().analyze(wrapped(missing));
		assertDescribedBy(analysis, missing);
		assertThat(analysis.getAction()).contains("dlm.lockspace.create=true").contains("dlm_tool join");
	}

	@Test
	void lockspaceDeviceNotAccessible() {
		DlmPermissionException denied = new DlmPermissionException("open denied", Errno.EACCES);
		FailureAnalysis analysis = new DlmPermissionFailureAnalyzer().analyze(wrapped(denied));
		assertDescribedBy(analysis, denied);
		assertThat(analysis.getAction()).contains("dlm.lockspace.permissions").contains("0660")
			.doesNotContain("CAP_SYS_ADMIN");
	}

	@Test
	void creatingWithoutTheCapability() {
		DlmPermissionException denied = new DlmPermissionException("create denied", Errno.EPERM);
		FailureAnalysis analysis = new DlmPermissionFailureAnalyzer().analyze(wrapped(denied));
		assertDescribedBy(analysis, denied);
		assertThat(analysis.getAction()).contains("CAP_SYS_ADMIN")
			.contains("dlm_tool join")
			.contains("dlm.lockspace.create=false");
	}

	@Test
	void lockspaceThatExists() {
		DlmLockspaceExistsException exists = new DlmLockspaceExistsException("exists", Errno.EEXIST);
		FailureAnalysis analysis = new DlmLockspaceExistsFailureAnalyzer().analyze(wrapped(exists));
		assertDescribedBy(analysis, exists);
		assertThat(analysis.getAction()).contains("dlm.lockspace.create=false").contains("dlm.lockspace.name");
	}

	@Test
	void invalidRequest() {
		DlmInvalidRequestException invalid = new DlmInvalidRequestException("invalid", Errno.EINVAL);
		FailureAnalysis analysis = new DlmInvalidRequestFailureAnalyzer().analyze(wrapped(invalid));
		assertDescribedBy(analysis, invalid);
		assertThat(analysis.getAction()).contains("dlm.lockspace.name").contains("1 to 19 characters");
	}

	@Test
	void noDlmDaemon() {
		DlmUnavailableException unavailable = new DlmUnavailableException("no daemon", Errno.EUNATCH);
		FailureAnalysis analysis = new DlmUnavailableFailureAnalyzer().analyze(wrapped(unavailable));
		assertDescribedBy(analysis, unavailable);
		assertThat(analysis.getAction()).contains("systemctl start corosync dlm")
			.contains("dlm.backend=auto or dlm.backend=local");
	}

	@Test
	void nativeBackendWithALibraryPathThatDoesNotLoad() {
		DlmProperties properties = new DlmProperties();
		properties.setBackend(DlmBackend.NATIVE);
		properties.getNative().setLibraryPath("/nonexistent/libdlm.so.3");
		NativeBackendUnavailableException unavailable = catchThrowableOfType(NativeBackendUnavailableException.class,
				() -> new DlmClientFactory(properties, new JnaNativeDlmSupport()).create());
		assertThat(unavailable.getProblem()).isEqualTo(NativeDlmSupport.Problem.LIBRARY_NOT_LOADED);
		FailureAnalysis analysis = new DlmUnavailableFailureAnalyzer().analyze(wrapped(unavailable));
		assertDescribedBy(analysis, unavailable);
		assertThat(analysis.getAction()).startsWith("Set dlm.native.library-path to a libdlm.so.3")
			.contains("dlm.backend=auto or dlm.backend=local");
	}

	@Test
	void nativeBackendWithoutTheLibrary() {
		NativeBackendUnavailableException unavailable = new NativeBackendUnavailableException(
				NativeDlmSupport.Problem.LIBRARY_NOT_LOADED, "libdlm.so.3 cannot be loaded", null);
		assertThat(new DlmUnavailableFailureAnalyzer().analyze(wrapped(unavailable)).getAction())
			.startsWith("Install libdlm: 'apt-get install libdlm3'");
	}

	@Test
	void nativeBackendWithoutTheBinding() {
		DlmProperties properties = new DlmProperties();
		properties.setBackend(DlmBackend.NATIVE);
		NativeBackendUnavailableException unavailable = catchThrowableOfType(NativeBackendUnavailableException.class,
				() -> new DlmClientFactory(properties, new AbsentNativeDlmSupport()).create());
		FailureAnalysis analysis = new DlmUnavailableFailureAnalyzer().analyze(wrapped(unavailable));
		assertThat(analysis.getDescription()).isEqualTo("dlm.backend=native, but the kernel DLM cannot be used. "
				+ "dlm-jna is not on the class path; add io.github.dlm:dlm-jna or use dlm-spring-boot-starter");
		assertThat(analysis.getAction()).startsWith("Add io.github.dlm:dlm-jna");
	}

	@Test
	void nativeBackendInANativeImage() {
		DlmProperties properties = new DlmProperties();
		properties.setBackend(DlmBackend.NATIVE);
		NativeBackendUnavailableException unavailable = catchThrowableOfType(NativeBackendUnavailableException.class,
				() -> new DlmClientFactory(properties, new JnaNativeDlmSupport(() -> true)).create());
		assertThat(unavailable.getProblem()).isEqualTo(NativeDlmSupport.Problem.NATIVE_IMAGE);
		FailureAnalysis analysis = new DlmUnavailableFailureAnalyzer().analyze(wrapped(unavailable));
		assertThat(analysis.getDescription()).contains("The native backend needs a JVM")
			.contains("GraalVM native image");
		assertThat(analysis.getAction()).startsWith("Run the application on a JVM")
			.contains("dlm.backend=auto or dlm.backend=local");
	}

	@Test
	void autoBackendInANativeImageRunsOnTheLocalEngine() {
		try (DlmClient client = new DlmClientFactory(new DlmProperties(), new JnaNativeDlmSupport(() -> true)).create()) {
			assertThat(client.backendName()).isEqualTo("local");
		}
	}

	@Test
	void nativeBackendWithTheKernelNotReady() {
		NativeBackendUnavailableException unavailable = new NativeBackendUnavailableException(
				NativeDlmSupport.Problem.KERNEL_NOT_READY, "dlm_controld is not running", null);
		assertThat(new DlmUnavailableFailureAnalyzer().analyze(wrapped(unavailable)).getAction())
			.contains("modprobe dlm")
			.contains("systemctl start corosync dlm");
	}

	@Test
	void otherFailuresAreLeftToOtherAnalyzers() {
		Throwable other = wrapped(new IllegalStateException("not a DLM failure"));
		assertThat(new DlmUnavailableFailureAnalyzer().analyze(other)).isNull();
		assertThat(new DlmLockspaceNotFoundFailureAnalyzer().analyze(other)).isNull();
		assertThat(new DlmPermissionFailureAnalyzer()
			.analyze(wrapped(new DlmLockspaceNotFoundException("missing", Errno.ENOENT)))).isNull();
	}

	private static void assertDescribedBy(FailureAnalysis analysis, DlmException cause) {
		assertThat(analysis.getDescription()).isEqualTo(cause.getMessage());
		assertThat(analysis.getCause()).isSameAs(cause);
	}

	private static Throwable wrapped(Throwable cause) {
		return new BeanCreationException("dlmLockRegistry", "Instantiation failed", cause);
	}

}
