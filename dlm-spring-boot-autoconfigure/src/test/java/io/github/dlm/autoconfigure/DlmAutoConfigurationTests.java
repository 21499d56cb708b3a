package io.github.dlm.autoconfigure;

import java.time.Duration;

import java.util.Arrays;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.github.dlm.caching.CachingDlmClient;
import io.github.dlm.core.DlmClient;
import io.github.dlm.core.DlmMode;
import io.github.dlm.core.LockspaceOptions;
import io.github.dlm.local.LocalDlmClient;
import io.github.dlm.lock.DlmLock;
import io.github.dlm.lock.DlmLockRegistries;
import io.github.dlm.lock.DlmLockRegistry;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.integration.support.locks.LockRegistry;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Backend selection, the beans the auto-configuration contributes, the application's own
 * beans taking precedence, and the shutdown order.
 */
@ExtendWith(OutputCaptureExtension.class)
class DlmAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DlmAutoConfiguration.class, DlmLockRegistryAutoConfiguration.class,
				DlmLockedAutoConfiguration.class));

	@Test
	void localBackendGivesTheLocalClientAndARegistry(CapturedOutput output) {
		this.runner.withPropertyValues("dlm.backend=local").run((context) -> {
			assertThat(context).hasSingleBean(DlmClient.class).hasSingleBean(DlmLockRegistries.class)
				.hasSingleBean(DlmLockRegistry.class).hasSingleBean(LockRegistry.class);
			assertThat(context.getBean(DlmClient.class)).isInstanceOf(LocalDlmClient.class);
			assertThat(context.getBean(DlmClient.class).backendName()).isEqualTo("local");
			assertThat(context.getBean(DlmLockRegistry.class)).isSameAs(context.getBean(DlmLockRegistries.class).registry());
		});
		assertThat(warnLines(output)).isEmpty();
	}

	@Test
	void autoFallsBackToLocalWithOneWarning(CapturedOutput output) {
		this.runner.run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context.getBean(DlmClient.class).backendName()).isEqualTo("local");
			DlmLock lock = context.getBean(DlmLockRegistry.class).obtain("k");
			lock.lock();
			lock.unlock();
		});
		// this machine has libdlm perhaps, but no kernel DLM with a running dlm_controld
		assertThat(warnLines(output)).singleElement()
			.satisfies((line) -> assertThat(line).contains("dlm.backend=auto")
				.contains("in-process local DLM backend")
				.contains("because the kernel DLM cannot be used. ")
				.contains("dlm.backend=local"));
	}

	@Test
	void autoUsesNativeWhenItIsAvailable(CapturedOutput output) {
		LocalDlmClient standIn = new LocalDlmClient();
		this.runner.withBean(NativeDlmSupport.class, () -> new AvailableNativeSupport(standIn)).run((context) -> {
			assertThat(context.getBean(DlmClient.class)).isInstanceOfSatisfying(CachingDlmClient.class,
					(caching) -> assertThat(caching.delegate()).isSameAs(standIn));
		});
		assertThat(warnLines(output)).isEmpty();
	}

	@Test
	void nativeBackendIsCachedWithTheConfiguredIdleTime() {
		LocalDlmClient standIn = new LocalDlmClient();
		this.runner.withBean(NativeDlmSupport.class, () -> new AvailableNativeSupport(standIn))
			.withPropertyValues("dlm.backend=native", "dlm.caching.release-idle-after=5s")
			.run((context) -> assertThat(context.getBean(DlmClient.class)).isInstanceOfSatisfying(
					CachingDlmClient.class, (caching) -> {
						assertThat(caching.delegate()).isSameAs(standIn);
						assertThat(caching.releaseIdleAfter()).isEqualTo(Duration.ofSeconds(5));
					}));
	}

	@Test
	void cachingCanBeTurnedOff() {
		LocalDlmClient standIn = new LocalDlmClient();
		this.runner.withBean(NativeDlmSupport.class, () -> new AvailableNativeSupport(standIn))
			.withPropertyValues("dlm.caching.enabled=false")
			.run((context) -> assertThat(context.getBean(DlmClient.class)).isSameAs(standIn));
	}

	@Test
	void nonPositiveIdleTimeFailsStartUpNamingTheProperty() {
		this.runner.withPropertyValues("dlm.caching.release-idle-after=0s")
			.run((context) -> assertThat(context).getFailure().hasStackTraceContaining("dlm.caching.release-idle-after"));
	}

	@Test
	void nativeBackendThatCannotStartFailsStartUpWithTheCauseAndFix() {
		this.runner.withPropertyValues("dlm.backend=native")
			.withBean(NativeDlmSupport.class,
					() -> new UnavailableNativeSupport(NativeDlmSupport.Problem.LIBRARY_NOT_LOADED,
							"libdlm.so.3 was not found"))
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).rootCause()
					.isInstanceOfSatisfying(NativeBackendUnavailableException.class, (ex) -> {
						assertThat(ex.getProblem()).isEqualTo(NativeDlmSupport.Problem.LIBRARY_NOT_LOADED);
						assertThat(ex.getLibraryPath()).isNull();
					});
				FailureAnalysis analysis = new DlmUnavailableFailureAnalyzer().analyze(context.getStartupFailure());
				assertThat(analysis.getDescription())
					.isEqualTo("dlm.backend=native, but the kernel DLM cannot be used. libdlm.so.3 was not found");
				assertThat(analysis.getAction()).contains("apt-get install libdlm3")
					.contains("dlm.native.library-path")
					.contains("dlm.backend=auto or dlm.backend=local");
			});
	}

	@Test
	void nativeBackendOnThisMachineFailsStartUpNamingTheBackendProperty() {
		// this machine has no running kernel DLM: the real probe names what is missing
		this.runner.withPropertyValues("dlm.backend=native").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause().isInstanceOf(NativeBackendUnavailableException.class);
			assertThat(new DlmUnavailableFailureAnalyzer().analyze(context.getStartupFailure()).getDescription())
				.startsWith("dlm.backend=native, but the kernel DLM cannot be used. ");
		});
	}

	@Test
	void applicationDlmClientWins() {
		LocalDlmClient own = new LocalDlmClient();
		this.runner.withBean("myClient", DlmClient.class, () -> own).run((context) -> {
			assertThat(context).hasSingleBean(DlmClient.class);
			assertThat(context.getBean(DlmClient.class)).isSameAs(own);
			assertThat(context.getBean(DlmLockRegistries.class).getClient()).isSameAs(own);
		});
	}

	@Test
	void applicationLockRegistryWins() {
		this.runner.withPropertyValues("dlm.backend=local")
			.withBean("myRegistry", DlmLockRegistry.class,
					() -> new DlmLockRegistry(new LocalDlmClient().openLockspace("mine", LockspaceOptions.DEFAULTS),
							DlmMode.PR))
			.run((context) -> {
				assertThat(context).hasSingleBean(DlmLockRegistry.class);
				assertThat(context.getBean(DlmLockRegistry.class).getDefaultMode()).isEqualTo(DlmMode.PR);
				assertThat(context.getBean(DlmLockRegistry.class).getLockspace().name()).isEqualTo("mine");
			});
	}

	@Test
	void applicationLockRegistriesWin() {
		this.runner.withPropertyValues("dlm.backend=local")
			.withBean("myRegistries", DlmLockRegistries.class,
					() -> new DlmLockRegistries(new LocalDlmClient(), "mine", LockspaceOptions.DEFAULTS, DlmMode.EX))
			.run((context) -> {
				assertThat(context).hasSingleBean(DlmLockRegistries.class);
				assertThat(context.getBean(DlmLockRegistry.class).getLockspace().name()).isEqualTo("mine");
			});
	}

	@Test
	void registriesCloseTheirLockspacesBeforeTheClientCloses() {
		RecordingDlmClient client = new RecordingDlmClient(new LocalDlmClient());
		this.runner.withPropertyValues("dlm.lockspace.name=orders")
			.withBean(DlmClient.class, () -> client)
			.run((context) -> {
				DlmLock lock = context.getBean(DlmLockRegistry.class).obtain("order-1");
				lock.lock();
				// left held: closing the context must release it through the lockspace
			});
		assertThat(client.events).containsSubsequence("open orders", "close orders", "close client");
		assertThat(client.events).last().isEqualTo("close client");
	}

	private static java.util.List<String> warnLines(CapturedOutput output) {
		return Arrays.stream(output.getAll().split("\\R"))
			.filter((line) -> line.contains("WARN") && line.contains("dlm"))
			.toList();
	}

	/** Native support that reports the kernel DLM as usable and hands out a given client. */
	private record AvailableNativeSupport(DlmClient client) implements NativeDlmSupport {

		@Override
		public Availability check(DlmProperties properties) {
			return Availability.AVAILABLE;
		}

		@Override
		public DlmClient create(DlmProperties properties) {
			return this.client;
		}

	}

	/** Native support that reports the kernel DLM as unusable. */
	private record UnavailableNativeSupport(Problem problem, String reason) implements NativeDlmSupport {

		@Override
		public Availability check(DlmProperties properties) {
			return Availability.unavailable(this.problem, this.reason);
		}

		@Override
		public DlmClient create(DlmProperties properties) {
			throw new AssertionError("must not be created when unavailable");
		}

	}

}
