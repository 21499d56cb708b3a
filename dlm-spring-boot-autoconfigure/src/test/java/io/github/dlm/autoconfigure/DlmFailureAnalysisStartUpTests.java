package io.github.dlm.autoconfigure;

import java.util.concurrent.locks.Lock;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.github.dlm.core.DlmLockspaceNotFoundException;
import io.github.dlm.lock.DlmLockRegistry;

import org.springframework.beans.factory.NoSuchBeanDefinitionException;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Configuration;
import org.springframework.integration.support.locks.LockRegistry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * A real {@link SpringApplication} that cannot start reports the DLM failure in Spring
 * Boot's "APPLICATION FAILED TO START" box: the library's message as the description and
 * the property to set as the action.
 */
@ExtendWith(OutputCaptureExtension.class)
class DlmFailureAnalysisStartUpTests {

	@Test
	void nativeBackendWithALibraryPathThatDoesNotExist(CapturedOutput output) {
		assertThatExceptionOfType(Exception.class)
			.isThrownBy(() -> run("--dlm.backend=native", "--dlm.native.library-path=/nonexistent/libdlm.so.3"))
			.havingRootCause()
			.isInstanceOf(NativeBackendUnavailableException.class);
		assertThat(output).contains("APPLICATION FAILED TO START")
			.contains("Description:\n\ndlm.backend=native, but the kernel DLM cannot be used. ")
			.contains("Action:\n\nSet dlm.native.library-path to a libdlm.so.3 built for this platform");
	}

	@Test
	void missingLockspaceThatIsNotToBeCreated(CapturedOutput output) {
		assertThatExceptionOfType(Exception.class)
			.isThrownBy(() -> run("--dlm.backend=local", "--dlm.lockspace.name=absent", "--dlm.lockspace.create=false"))
			.havingRootCause()
			.isInstanceOf(DlmLockspaceNotFoundException.class);
		assertThat(output).contains("APPLICATION FAILED TO START")
			.contains("Description:\n\n")
			.contains("Action:\n\nLet the application create the lockspace when it does not exist, with "
					+ "dlm.lockspace.create=true");
	}

	@Test
	void lockRegistryOfLockInjected(CapturedOutput output) {
		assertThatExceptionOfType(Exception.class)
			.isThrownBy(() -> run(LockRegistryOfLockUser.class, "--dlm.backend=local"))
			.havingRootCause()
			.isInstanceOf(NoSuchBeanDefinitionException.class);
		assertThat(output).contains("APPLICATION FAILED TO START")
			.contains("A bean of type org.springframework.integration.support.locks.LockRegistry<java.util.concurrent.locks.Lock> is required")
			.contains("Action:\n\nInject LockRegistry<?>, LockRegistry<? extends Lock>, LockRegistry<DlmLock> or DlmLockRegistry");
	}

	@Test
	void wildcardLockRegistryIsInjected() {
		run(WildcardLockRegistryUser.class, "--dlm.backend=local");
	}

	private static void run(String... args) {
		run(DlmApplication.class, args);
	}

	private static void run(Class<?> source, String... args) {
		SpringApplication application = new SpringApplication(DlmApplication.class, source);
		application.setWebApplicationType(WebApplicationType.NONE);
		application.run(args).close();
	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration({ DlmAutoConfiguration.class, DlmLockRegistryAutoConfiguration.class })
	static class DlmApplication {

	}

	static class LockRegistryOfLockUser {

		LockRegistryOfLockUser(LockRegistry<Lock> registry) {
		}

	}

	static class WildcardLockRegistryUser {

		WildcardLockRegistryUser(LockRegistry<?> registry) {
			assertThat(registry).isInstanceOf(DlmLockRegistry.class);
		}

	}

}
