package io.github.dlm.autoconfigure;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.github.dlm.health.DlmHealthIndicator;
import io.github.dlm.lock.DlmLock;
import io.github.dlm.lock.DlmLockRegistry;
import io.github.dlm.lock.DlmLongHoldMonitor;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Long holds in a real context on the local backend: the monitor that
 * {@code dlm.registry.warn-held-longer-than} configures, and the health indicator's
 * {@code longHolds} detail.
 */
@ExtendWith(OutputCaptureExtension.class)
class DlmLongHoldAutoConfigurationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DlmAutoConfiguration.class, DlmLockRegistryAutoConfiguration.class,
				DlmHealthContributorAutoConfiguration.class))
		.withPropertyValues("dlm.backend=local", "dlm.lockspace.name=orders",
				"management.health.dlm.probe-timeout=30s");

	@Test
	void warnsByDefaultOfLocksHeldLongerThan5Minutes() {
		this.runner.run((context) -> {
			DlmLongHoldMonitor monitor = context.getBean(DlmLongHoldMonitor.class);
			assertThat(monitor.getThreshold()).isEqualTo(Duration.ofMinutes(5));
			assertThat(monitor.isRunning()).isTrue();
			assertThat(context.getBean(DlmProperties.class).getRegistry().getWarnHeldLongerThan())
				.isEqualTo(Duration.ofMinutes(5));
		});
	}

	@Test
	void warnsOncePerHoldWhileTheContextRunsAndAgainForANewHoldOfTheSameKey(CapturedOutput output) {
		this.runner.withPropertyValues("dlm.registry.warn-held-longer-than=50ms").run((context) -> {
			DlmLockRegistry registry = context.getBean(DlmLockRegistry.class);
			DlmLock nightly = registry.obtain("job:nightly");
			DlmLock hourly = registry.obtain("job:hourly");
			nightly.lock();
			try {
				await().atMost(TIMEOUT).until(() -> output.toString().contains("DLM lock 'job:nightly'"));
				assertThat(output).contains("has been held in EX for ")
					.contains("by thread '" + Thread.currentThread().getName() + "'")
					.contains("longer than 50ms")
					.contains("Stack of thread '" + Thread.currentThread().getName() + "'")
					.contains(getClass().getName());
				// a warning of a later hold shows that the monitor checked again since
				hourly.lock();
				await().atMost(TIMEOUT).until(() -> output.toString().contains("DLM lock 'job:hourly'"));
				hourly.unlock();
				assertThat(occurrences(output.toString(), "DLM lock 'job:nightly'")).isOne();
			}
			finally {
				nightly.unlock();
			}
			nightly.lock();
			try {
				await().atMost(TIMEOUT).until(() -> occurrences(output.toString(), "DLM lock 'job:nightly'") == 2);
			}
			finally {
				nightly.unlock();
			}
		});
	}

	@Test
	void zeroTurnsTheWarningAndTheHealthDetailOff() {
		this.runner.withPropertyValues("dlm.registry.warn-held-longer-than=0").run((context) -> {
			assertThat(context).doesNotHaveBean(DlmLongHoldMonitor.class);
			assertThat(context.getBean(DlmHealthIndicator.class).health().getDetails()).doesNotContainKey("longHolds");
		});
	}

	@Test
	void aNegativeThresholdFailsStartUpNamingTheProperty() {
		this.runner.withPropertyValues("dlm.registry.warn-held-longer-than=-1s").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(Failures.messages(context.getStartupFailure())).contains("dlm.registry.warn-held-longer-than")
				.contains("0 to disable");
		});
	}

	@Test
	void healthListsLongHoldsAndStaysUp() {
		this.runner.withPropertyValues("dlm.registry.warn-held-longer-than=50ms").run((context) -> {
			DlmHealthIndicator indicator = context.getBean(DlmHealthIndicator.class);
			assertThat(longHolds(indicator.health())).isEmpty();
			DlmLock lock = context.getBean(DlmLockRegistry.class).obtain("job:nightly");
			lock.lock();
			try {
				await().atMost(TIMEOUT).until(() -> !longHolds(indicator.health()).isEmpty());
				Health health = indicator.health();
				assertThat(health.getStatus()).isEqualTo(Status.UP);
				assertThat(longHolds(health)).singleElement().satisfies((hold) -> {
					assertThat(hold).containsEntry("key", "job:nightly")
						.containsEntry("lockspace", "orders")
						.containsEntry("resource", "job:nightly")
						.containsEntry("mode", "EX")
						.containsEntry("owner", "thread '" + Thread.currentThread().getName() + "'")
						.containsEntry("blockingCallbacks", 0)
						.containsKeys("since", "heldFor");
					assertThat(Duration.parse(hold.get("heldFor").toString()))
						.isGreaterThanOrEqualTo(Duration.ofMillis(50));
				});
			}
			finally {
				lock.unlock();
			}
			assertThat(longHolds(indicator.health())).isEmpty();
		});
	}

	@Test
	void longHoldsMakeTheHealthDownWhenAskedTo() {
		this.runner
			.withPropertyValues("dlm.registry.warn-held-longer-than=50ms",
					"management.health.dlm.down-on-long-holds=true")
			.run((context) -> {
				DlmHealthIndicator indicator = context.getBean(DlmHealthIndicator.class);
				assertThat(indicator.health().getStatus()).isEqualTo(Status.UP);
				DlmLock lock = context.getBean(DlmLockRegistry.class).obtain("job:nightly");
				lock.lock();
				try {
					await().atMost(TIMEOUT).until(() -> indicator.health().getStatus(), Status.DOWN::equals);
					assertThat(longHolds(indicator.health())).singleElement()
						.satisfies((hold) -> assertThat(hold).containsEntry("key", "job:nightly"));
				}
				finally {
					lock.unlock();
				}
				assertThat(indicator.health().getStatus()).isEqualTo(Status.UP);
			});
	}

	@SuppressWarnings("unchecked")
	private static List<Map<String, Object>> longHolds(Health health) {
		return (List<Map<String, Object>>) health.getDetails().get("longHolds");
	}

	private static int occurrences(String text, String part) {
		int count = 0;
		for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + 1)) {
			count++;
		}
		return count;
	}

}
