package io.github.dlm.autoconfigure;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import io.github.dlm.core.DlmClient;
import io.github.dlm.core.DlmLockHandle;
import io.github.dlm.core.DlmLockspaceCondition;
import io.github.dlm.core.DlmLockspaceState;
import io.github.dlm.core.DlmLockspace;
import io.github.dlm.core.DlmMode;
import io.github.dlm.core.DlmResourceName;
import io.github.dlm.health.DlmHealthIndicator;
import io.github.dlm.local.LocalDlmClient;
import io.github.dlm.lock.DlmLockRegistries;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The DLM health indicator in a real context on the local backend: when it is there, what
 * it reports, and how it is switched off.
 */
class DlmHealthContributorAutoConfigurationTests {

	private static final DlmResourceName RESOURCE = DlmResourceName.of("r");

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DlmAutoConfiguration.class, DlmLockRegistryAutoConfiguration.class,
				DlmHealthContributorAutoConfiguration.class))
		// a probe that must answer may take as long as a loaded machine needs; the default
		// (2 s) is a production setting, not something these tests are about
		.withPropertyValues("dlm.backend=local", "dlm.lockspace.name=orders", "management.health.dlm.probe-timeout=30s");

	@Test
	void reportsUpWithTheBackendAndARoundTripPerOpenLockspace() {
		this.runner.run((context) -> {
			assertThat(context).hasSingleBean(DlmHealthIndicator.class);
			context.getBean(DlmLockRegistries.class).registry("audit");
			Health health = context.getBean(DlmHealthIndicator.class).health();
			assertThat(health.getStatus()).isEqualTo(Status.UP);
			assertThat(health.getDetails()).containsEntry("backend", "local");
			assertThat(lockspaces(health).keySet()).containsExactly("audit", "orders");
			assertThat(lockspaces(health).get("orders")).containsEntry("status", "UP").containsKey("roundTripMicros");
		});
	}

	@Test
	void reportsDownWithTheStateAndCauseWhileALockspaceIsInDoubt() {
		this.runner.run((context) -> {
			LocalDlmClient client = (LocalDlmClient) context.getBean(DlmClient.class);
			context.getBean(DlmLockRegistries.class).registry("audit");
			DlmHealthIndicator indicator = context.getBean(DlmHealthIndicator.class);
			assertThat(lockspaces(indicator.health()).get("audit")).containsEntry("status", "UP")
				.containsEntry("state", "RUNNING");
			client.simulateCondition("audit",
					new DlmLockspaceCondition(DlmLockspaceState.NO_QUORUM, "simulated: wait quorum"));
			Health health = indicator.health();
			assertThat(health.getStatus()).isEqualTo(Status.DOWN);
			assertThat(lockspaces(health).get("orders")).containsEntry("status", "UP");
			assertThat(lockspaces(health).get("audit")).containsEntry("status", "DOWN")
				.containsEntry("state", "NO_QUORUM")
				.containsEntry("cause", "simulated: wait quorum");
			client.simulateCondition("audit", null);
			assertThat(indicator.health().getStatus()).isEqualTo(Status.UP);
		});
	}

	@Test
	void reportsDownNamingTheLockspaceWhoseProbeFails() {
		this.runner.run((context) -> {
			DlmLockRegistries registries = context.getBean(DlmLockRegistries.class);
			registries.registry("audit").getLockspace().close();
			Health health = context.getBean(DlmHealthIndicator.class).health();
			assertThat(health.getStatus()).isEqualTo(Status.DOWN);
			assertThat(lockspaces(health).get("orders")).containsEntry("status", "UP");
			assertThat(lockspaces(health).get("audit")).containsEntry("status", "DOWN")
				.hasEntrySatisfying("error", (error) -> assertThat(error.toString()).contains("audit").contains("closed"));
		});
	}

	@Test
	void reportsDownWhileTheLockManagerDoesNotAnswer() {
		this.runner.withPropertyValues("management.health.dlm.probe-timeout=50ms").run((context) -> {
			DlmLockspace audit = context.getBean(DlmLockRegistries.class).registry("audit").getLockspace();
			// a blocking callback that does not return holds up every later callback of the
			// lockspace, the probe's included, as recovery holds up the kernel's answers
			CountDownLatch blocking = new CountDownLatch(1);
			CountDownLatch release = new CountDownLatch(1);
			DlmLockHandle holder = audit.newLock(RESOURCE, (lock) -> {
				blocking.countDown();
				try {
					release.await();
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
			});
			holder.request(DlmMode.EX, Set.of(), null).join();
			audit.newLock(RESOURCE, null).request(DlmMode.EX, Set.of(), null);
			assertThat(blocking.await(30, TimeUnit.SECONDS)).isTrue();
			try {
				Health health = context.getBean(DlmHealthIndicator.class).health();
				assertThat(health.getStatus()).isEqualTo(Status.DOWN);
				assertThat(lockspaces(health).get("audit")).containsEntry("status", "DOWN")
					.hasEntrySatisfying("error", (error) -> assertThat(error.toString())
						.contains("has not answered a probe"));
			}
			finally {
				release.countDown();
			}
			await().atMost(Duration.ofSeconds(30))
				.until(() -> context.getBean(DlmHealthIndicator.class).health().getStatus(), Status.UP::equals);
		});
	}

	@Test
	void probeTimeoutIsConfigurableAndMustBePositive() {
		this.runner.withPropertyValues("management.health.dlm.probe-timeout=150ms")
			.run((context) -> assertThat(context.getBean(DlmHealthIndicatorProperties.class).getProbeTimeout())
				.hasMillis(150));
		this.runner.withPropertyValues("management.health.dlm.probe-timeout=0s").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(Failures.messages(context.getStartupFailure())).contains("management.health.dlm.probe-timeout")
				.contains("must be positive");
		});
	}

	@Test
	void probeTimeoutLongerThanADayFailsStartUpNamingThePropertyAndTheRule() {
		this.runner.withPropertyValues("management.health.dlm.probe-timeout=400000000d").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(Failures.messages(context.getStartupFailure()))
				.contains("Property management.health.dlm.probe-timeout with value")
				.contains("at most 1d");
		});
	}

	@Test
	void switchedOffByTheManagementProperty() {
		this.runner.withPropertyValues("management.health.dlm.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(DlmHealthIndicator.class));
	}

	@Test
	void absentWithoutSpringBootHealthOnTheClassPath() {
		this.runner.withClassLoader(new FilteredClassLoader(HealthIndicator.class))
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(DlmHealthIndicator.class));
	}

	@Test
	void anIndicatorOfTheApplicationNamedDlmHealthIndicatorReplacesIt() {
		this.runner.withBean("dlmHealthIndicator", HealthIndicator.class, () -> () -> Health.outOfService().build())
			.run((context) -> assertThat(context.getBean("dlmHealthIndicator", HealthIndicator.class).health().getStatus())
				.isEqualTo(Status.OUT_OF_SERVICE));
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Map<String, Object>> lockspaces(Health health) {
		return (Map<String, Map<String, Object>>) health.getDetails().get("lockspaces");
	}

}
