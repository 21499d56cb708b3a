package io.github.dlm.autoconfigure;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.github.dlm.aop.DlmLocked;
import io.github.dlm.lock.DlmLock;
import io.github.dlm.lock.DlmLockRegistries;
import io.github.dlm.lock.DlmLockRegistriesMetrics;
import io.github.dlm.lock.DlmLockRegistry;
import io.github.dlm.lock.observation.DefaultDlmLockObservationConvention;
import io.github.dlm.lock.observation.DlmLockObservationConvention;

import static io.micrometer.observation.tck.TestObservationRegistryAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The observation auto-configuration in a real context on the local backend: the
 * application's {@link ObservationRegistry} observes the registries' locks, and
 * {@code @DlmLocked} methods through them; the meters reach the {@link MeterRegistry};
 * nothing when Micrometer is absent or the property turns it off.
 */
class DlmObservationAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DlmAutoConfiguration.class, DlmLockRegistryAutoConfiguration.class,
				DlmLockedAutoConfiguration.class, DlmObservationAutoConfiguration.class))
		.withPropertyValues("dlm.backend=local", "dlm.lockspace.name=orders");

	@Test
	void theApplicationsObservationRegistryObservesLocksAndDlmLockedMethods() {
		this.runner.withUserConfiguration(Observed.class, Locked.class).run((context) -> {
			TestObservationRegistry observations = context.getBean(TestObservationRegistry.class);
			DlmLockRegistry registry = context.getBean(DlmLockRegistry.class);
			assertThat(registry.getObservationRegistry()).isSameAs(observations);
			DlmLock lock = registry.obtain("order:7");
			lock.lock();
			lock.unlock();
			assertThat(observations).hasObservationWithNameEqualTo("dlm.lock.acquire")
				.that()
				.hasLowCardinalityKeyValue("lockspace", "orders")
				.hasLowCardinalityKeyValue("backend", "local")
				.hasLowCardinalityKeyValue("outcome", "granted")
				.hasHighCardinalityKeyValue("key", "order:7");
			assertThat(observations).hasObservationWithNameEqualTo("dlm.lock.hold").that().hasBeenStopped();
			observations.clear();
			context.getBean(Counter.class).increment("seats");
			assertThat(observations).hasObservationWithNameEqualTo("dlm.lock.acquire")
				.that()
				.hasHighCardinalityKeyValue("key", "counter:seats");
			assertThat(observations).hasObservationWithNameEqualTo("dlm.lock.hold").that().hasBeenStopped();
		});
	}

	@Test
	void bootsObservationRegistryIsApplied() {
		this.runner.withConfiguration(AutoConfigurations.of(ObservationAutoConfiguration.class)).run((context) -> {
			ObservationRegistry observations = context.getBean(ObservationRegistry.class);
			assertThat(context.getBean(DlmLockRegistry.class).getObservationRegistry()).isSameAs(observations);
		});
	}

	@Test
	void aConventionBeanApplies() {
		this.runner.withUserConfiguration(Observed.class, Convention.class).run((context) -> {
			DlmLock lock = context.getBean(DlmLockRegistry.class).obtain("order:7");
			lock.lock();
			lock.unlock();
			assertThat(context.getBean(TestObservationRegistry.class)).hasObservationWithNameEqualTo("orders.lock")
				.that()
				.hasLowCardinalityKeyValue("outcome", "granted");
		});
	}

	@Test
	void theMetersAreBoundToTheMeterRegistry() {
		this.runner.withConfiguration(AutoConfigurations.of(MetricsAutoConfiguration.class))
			.withBean(SimpleMeterRegistry.class)
			.run((context) -> {
				assertThat(context).hasSingleBean(DlmLockRegistriesMetrics.class);
				MeterRegistry meters = context.getBean(MeterRegistry.class);
				DlmLock lock = context.getBean(DlmLockRegistry.class).obtain("order:7");
				lock.lock();
				try {
					assertThat(meters.get("dlm.locks.held").tag("backend", "local").gauge().value()).isOne();
					assertThat(meters.get("dlm.lock.requests.waiting").gauge().value()).isZero();
					assertThat(meters.get("dlm.lock.blocking.callbacks").functionCounter().count()).isZero();
				}
				finally {
					lock.unlock();
				}
				assertThat(meters.get("dlm.locks.held").gauge().value()).isZero();
			});
	}

	@Test
	void nothingWithoutAnObservationRegistryOrAMeterRegistry() {
		this.runner.run((context) -> {
			assertThat(context).doesNotHaveBean(DlmLockRegistriesCustomizer.class)
				.doesNotHaveBean(DlmLockRegistriesMetrics.class);
			assertThat(context.getBean(DlmLockRegistry.class).getObservationRegistry())
				.isSameAs(ObservationRegistry.NOOP);
		});
	}

	@Test
	void nothingWhenMicrometerIsAbsent() {
		this.runner.withUserConfiguration(Observed.class)
			.withBean(SimpleMeterRegistry.class)
			.withClassLoader(new FilteredClassLoader("io.micrometer."))
			.run((context) -> {
				assertThat(context).hasNotFailed()
					.doesNotHaveBean(DlmLockRegistriesCustomizer.class)
					.doesNotHaveBean(DlmLockRegistriesMetrics.class);
				assertThat(context.getBean(DlmLockRegistry.class).getObservationRegistry())
					.isSameAs(ObservationRegistry.NOOP);
			});
	}

	@Test
	void noMetersWithoutMicrometerCore() {
		this.runner.withUserConfiguration(Observed.class)
			.withBean(SimpleMeterRegistry.class)
			.withClassLoader(new FilteredClassLoader("io.micrometer.core."))
			.run((context) -> {
				assertThat(context).hasSingleBean(DlmLockRegistriesCustomizer.class)
					.doesNotHaveBean(DlmLockRegistriesMetrics.class);
				assertThat(context.getBean(DlmLockRegistry.class).getObservationRegistry())
					.isSameAs(context.getBean(TestObservationRegistry.class));
			});
	}

	@Test
	void thePropertyTurnsObservationsAndMetersOff() {
		this.runner.withUserConfiguration(Observed.class)
			.withBean(SimpleMeterRegistry.class)
			.withPropertyValues("dlm.observation.enabled=false")
			.run((context) -> {
				assertThat(context).doesNotHaveBean(DlmLockRegistriesCustomizer.class)
					.doesNotHaveBean(DlmLockRegistriesMetrics.class);
				assertThat(context.getBean(DlmLockRegistries.class).registry().getObservationRegistry())
					.isSameAs(ObservationRegistry.NOOP);
			});
	}

	@Configuration(proxyBeanMethods = false)
	static class Observed {

		@Bean
		TestObservationRegistry observationRegistry() {
			return TestObservationRegistry.create();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class Locked {

		@Bean
		Counter counter() {
			return new Counter();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class Convention {

		@Bean
		DlmLockObservationConvention ordersConvention() {
			return new DefaultDlmLockObservationConvention() {
				@Override
				public String getName() {
					return "orders.lock";
				}
			};
		}

	}

	static class Counter {

		private int count;

		@DlmLocked(key = "'counter:' + #name")
		void increment(String name) {
			this.count++;
		}

	}

}
