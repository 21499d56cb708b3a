package io.github.dlm.autoconfigure;

import java.util.Set;

import io.micrometer.core.instrument.binder.MeterBinder;

import io.github.dlm.lock.DlmLockRegistries;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of the {@link DlmDispatcherMetrics} when Micrometer is on the class
 * path: a {@link MeterBinder} bean, which Spring Boot's metrics support binds to the
 * application's meter registries.
 */
@AutoConfiguration(after = { DlmAutoConfiguration.class, DlmLockRegistryAutoConfiguration.class })
@ConditionalOnClass(MeterBinder.class)
@ConditionalOnBean(DlmDispatchers.class)
public final class DlmDispatcherMetricsAutoConfiguration {

	/**
	 * The meters.
	 * @param dispatchers the dispatchers they measure
	 * @param registries the registries, whose default lockspace is measured from the start
	 * @return the binder
	 */
	@Bean
	@ConditionalOnMissingBean
	DlmDispatcherMetrics dlmDispatcherMetrics(DlmDispatchers dispatchers,
			ObjectProvider<DlmLockRegistries> registries) {
		DlmLockRegistries available = registries.getIfAvailable();
		return new DlmDispatcherMetrics(dispatchers,
				(available != null) ? Set.of(available.getDefaultLockspace()) : Set.of());
	}

}
