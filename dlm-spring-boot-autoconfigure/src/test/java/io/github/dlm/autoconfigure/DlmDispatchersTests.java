package io.github.dlm.autoconfigure;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import io.github.dlm.core.DlmClient;
import io.github.dlm.core.DlmDispatcherStats;
import io.github.dlm.core.DlmMode;
import io.github.dlm.endpoint.DlmEndpoint;
import io.github.dlm.local.LocalDlmClient;
import io.github.dlm.lock.DlmLock;
import io.github.dlm.lock.DlmLockRegistries;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.SmartLifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The {@link DlmDispatchers} bean on the local engine: registered, counting what the
 * dispatchers deliver, shown by the endpoint and as Micrometer meters.
 */
class DlmDispatchersTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DlmAutoConfiguration.class, DlmLockRegistryAutoConfiguration.class,
				DlmEndpointAutoConfiguration.class, DlmDispatcherMetricsAutoConfiguration.class,
				MetricsAutoConfiguration.class))
		.withBean(SimpleMeterRegistry.class)
		.withPropertyValues("dlm.backend=local", "dlm.lockspace.name=orders",
				"management.endpoints.web.exposure.include=dlm");

	@Test
	void isALifecycleBeanStoppedAfterTheDefaultPhase() {
		this.runner.run((context) -> {
			DlmDispatchers dispatchers = context.getBean(DlmDispatchers.class);
			assertThat(dispatchers.isRunning()).isTrue();
			assertThat(dispatchers.getPhase()).isLessThan(SmartLifecycle.DEFAULT_PHASE);
			context.stop();
			assertThat(dispatchers.isRunning()).isFalse();
			assertThat(dispatchers.stats()).allSatisfy((stats) -> assertThat(stats.idle()).isTrue());
		});
	}

	@Test
	void stopsBeforeTheLockspacesAndTheClientClose() {
		RecordingDlmClient client = new RecordingDlmClient(new LocalDlmClient());
		this.runner.withBean(DlmClient.class, () -> client)
			.withBean(DlmDispatchers.class, () -> new DlmDispatchers(client) {

				@Override
				public void stop() {
					super.stop();
					client.events.add("dispatchers stopped");
				}

			})
			.run((context) -> context.getBean(DlmLockRegistries.class).registry().obtain("order-1").lock());
		assertThat(client.events).containsSubsequence("open orders", "dispatchers stopped", "close orders",
				"close client");
	}

	@Test
	void countsTheCompletionsOfLocksTakenThroughTheRegistry() {
		this.runner.run((context) -> {
			DlmDispatchers dispatchers = context.getBean(DlmDispatchers.class);
			DlmLock lock = context.getBean(DlmLockRegistries.class).registry().obtain("order-1", DlmMode.PW);
			lock.lock();
			lock.unlock();
			await().untilAsserted(() -> assertThat(dispatchers.stats()).singleElement().satisfies((stats) -> {
				assertThat(stats.lockspace()).isEqualTo("orders");
				assertThat(stats.threadName()).startsWith("dlm-dispatch-orders-");
				assertThat(stats.alive()).isTrue();
				assertThat(stats.completions()).isGreaterThanOrEqualTo(2);
				assertThat(stats.callerCompletions()).isLessThanOrEqualTo(stats.completions());
			}));
		});
	}

	@Test
	void showsTheDispatchersInTheEndpoint() {
		this.runner.run((context) -> {
			DlmLock lock = context.getBean(DlmLockRegistries.class).registry().obtain("order-1", DlmMode.PW);
			lock.lock();
			lock.unlock();
			DlmEndpoint.DlmDescriptor dlm = context.getBean(DlmEndpoint.class).dlm();
			assertThat(dlm.dispatchers()).extracting(DlmDispatcherStats::lockspace).containsExactly("orders");
			assertThat(dlm.dispatchers().get(0).completions()).isPositive();
		});
	}

	@Test
	void registersMetersTaggedWithTheLockspace() {
		this.runner.run((context) -> {
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			DlmLock lock = context.getBean(DlmLockRegistries.class).registry().obtain("order-1", DlmMode.PW);
			lock.lock();
			lock.unlock();
			for (String name : new String[] { "dlm.dispatcher.completions", "dlm.dispatcher.blocking.callbacks",
					"dlm.dispatcher.caller.completions", "dlm.dispatcher.callback.time" }) {
				assertThat(registry.find(name).tag("lockspace", "orders").functionCounter()).as(name).isNotNull();
			}
			FunctionCounter completions = registry.get("dlm.dispatcher.completions")
				.tag("lockspace", "orders")
				.functionCounter();
			await().untilAsserted(() -> assertThat(completions.count()).isGreaterThanOrEqualTo(2));
		});
	}

	@Test
	void backsOffForTheApplicationsOwnBean() {
		this.runner.withBean("custom", DlmDispatchers.class, () -> new DlmDispatchers(new RecordingDlmClient(
				new LocalDlmClient())))
			.run((context) -> assertThat(context).getBean(DlmDispatchers.class).isSameAs(context.getBean("custom")));
	}

}
