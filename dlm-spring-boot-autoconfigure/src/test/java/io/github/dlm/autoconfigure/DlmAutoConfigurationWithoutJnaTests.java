package io.github.dlm.autoconfigure;

import java.util.Arrays;
import java.util.List;

import com.sun.jna.Native;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.github.dlm.core.DlmClient;
import io.github.dlm.lock.DlmLock;
import io.github.dlm.lock.DlmLockRegistry;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The auto-configuration without {@code dlm-jna} or without JNA on the class path: the
 * context starts and locks on the local engine; {@code auto} says why in one WARN line,
 * {@code native} fails start-up, {@code local} is silent.
 */
@ExtendWith(OutputCaptureExtension.class)
class DlmAutoConfigurationWithoutJnaTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DlmAutoConfiguration.class, DlmLockRegistryAutoConfiguration.class,
				DlmLockedAutoConfiguration.class));

	static List<FilteredClassLoader> withoutTheBinding() {
		return List.of(new FilteredClassLoader("io.github.dlm.jna"), new FilteredClassLoader(Native.class));
	}

	@ParameterizedTest
	@MethodSource("withoutTheBinding")
	void autoRunsOnTheLocalEngineWithOneWarningNamingTheMissingBinding(FilteredClassLoader classLoader,
			CapturedOutput output) {
		this.runner.withClassLoader(classLoader).run((context) -> {
			assertThat(context).hasNotFailed().doesNotHaveBean(NativeDlmSupport.class);
			assertThat(context.getBean(DlmClient.class).backendName()).isEqualTo("local");
			lockOnce(context.getBean(DlmLockRegistry.class));
		});
		assertThat(warnLines(output)).singleElement()
			.satisfies((line) -> assertThat(line).contains("dlm.backend=auto")
				.contains("dlm-jna is not on the class path; add io.github.dlm:dlm-jna or use dlm-spring-boot-starter"));
	}

	@ParameterizedTest
	@MethodSource("withoutTheBinding")
	void localRunsWithoutAWord(FilteredClassLoader classLoader, CapturedOutput output) {
		this.runner.withClassLoader(classLoader).withPropertyValues("dlm.backend=local").run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context.getBean(DlmClient.class).backendName()).isEqualTo("local");
			lockOnce(context.getBean(DlmLockRegistry.class));
		});
		assertThat(warnLines(output)).isEmpty();
	}

	@ParameterizedTest
	@MethodSource("withoutTheBinding")
	void nativeFailsStartUpSayingTheBindingIsMissing(FilteredClassLoader classLoader) {
		this.runner.withClassLoader(classLoader).withPropertyValues("dlm.backend=native").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.isInstanceOfSatisfying(NativeBackendUnavailableException.class, (ex) -> assertThat(ex.getProblem())
					.isEqualTo(NativeDlmSupport.Problem.BINDING_MISSING));
			assertThat(new DlmUnavailableFailureAnalyzer().analyze(context.getStartupFailure()).getAction())
				.contains("Add io.github.dlm:dlm-jna");
		});
	}

	private static void lockOnce(DlmLockRegistry registry) {
		DlmLock lock = registry.obtain("k");
		lock.lock();
		lock.unlock();
	}

	private static List<String> warnLines(CapturedOutput output) {
		return Arrays.stream(output.getAll().split("\\R"))
			.filter((line) -> line.contains("WARN") && line.contains("dlm"))
			.toList();
	}

}
