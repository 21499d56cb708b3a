package io.github.dlm.autoconfigure;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.observation.ObservationRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.github.dlm.lock.DlmLockRegistries;
import io.github.dlm.lock.DlmLockRegistriesMetrics;
import io.github.dlm.lock.observation.DlmHoldObservationConvention;
import io.github.dlm.lock.observation.DlmLockObservationConvention;

/**
 * Auto-configuration of the lock layer's Micrometer observations: the registries observe
 * acquisitions and holds with the application's {@link ObservationRegistry} (Spring Boot's
 * when Micrometer is set up), with the application's {@link DlmLockObservationConvention}
 * and {@link DlmHoldObservationConvention} beans if it defines them; and, when a
 * {@link MeterRegistry} exists, the {@link DlmLockRegistriesMetrics} gauges and counter.
 * Nothing when Micrometer is absent; off with {@code dlm.observation.enabled=false}.
 */
@AutoConfiguration(after = DlmLockRegistryAutoConfiguration.class,
		afterName = { "org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration",
				"org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
				"org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration" })
@ConditionalOnClass({ ObservationRegistry.class, DlmLockRegistries.class })
@ConditionalOnBooleanProperty(name = "dlm.observation.enabled", matchIfMissing = true)
@EnableConfigurationProperties(DlmObservationProperties.class)
public final class DlmObservationAutoConfiguration {

	/**
	 * Applies the observation registry and conventions to the registries.
	 * @param observationRegistry the application's observation registry
	 * @param lockConvention the application's acquisition convention, if any
	 * @param holdConvention the application's hold convention, if any
	 * @return the customizer
	 */
	@Bean
	@ConditionalOnBean(ObservationRegistry.class)
	DlmLockRegistriesCustomizer dlmObservationRegistriesCustomizer(ObjectProvider<ObservationRegistry> observationRegistry,
			ObjectProvider<DlmLockObservationConvention> lockConvention,
			ObjectProvider<DlmHoldObservationConvention> holdConvention) {
		return (registries) -> {
			registries.setObservationRegistry(observationRegistry.getObject());
			lockConvention.ifUnique(registries::setObservationConvention);
			holdConvention.ifUnique(registries::setHoldObservationConvention);
		};
	}

	/**
	 * The meters of the registries, when the application has a meter registry.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(MeterBinder.class)
	@ConditionalOnBean({ MeterRegistry.class, DlmLockRegistries.class })
	static final class MetricsConfiguration {

		/**
		 * The gauges and counter of the registries, bound to the meter registries by Spring
		 * Boot.
		 * @param registries the registries
		 * @return the binder
		 */
		@Bean
		@ConditionalOnMissingBean
		DlmLockRegistriesMetrics dlmLockRegistriesMetrics(DlmLockRegistries registries) {
			return new DlmLockRegistriesMetrics(registries);
		}

	}

}
