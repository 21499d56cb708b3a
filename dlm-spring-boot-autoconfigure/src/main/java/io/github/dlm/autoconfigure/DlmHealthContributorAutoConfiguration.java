package io.github.dlm.autoconfigure;

import io.github.dlm.health.DlmHealthIndicator;
import io.github.dlm.lock.DlmLockRegistries;
import io.github.dlm.lock.DlmLongHoldMonitor;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of the {@link DlmHealthIndicator} ({@code dlm} in the health
 * endpoint) when Spring Boot's health support is on the class path, for example through
 * {@code spring-boot-starter-actuator}.
 */
@AutoConfiguration(after = DlmLockRegistryAutoConfiguration.class)
@ConditionalOnClass({ HealthIndicator.class, ConditionalOnEnabledHealthIndicator.class })
@ConditionalOnBean(DlmLockRegistries.class)
@ConditionalOnEnabledHealthIndicator("dlm")
@EnableConfigurationProperties(DlmHealthIndicatorProperties.class)
public final class DlmHealthContributorAutoConfiguration {

	/**
	 * The indicator.
	 * @param registries the registries whose open lockspaces it probes
	 * @param properties its configuration
	 * @param longHolds the monitor of long holds, unless disabled
	 * ({@code dlm.registry.warn-held-longer-than=0})
	 * @return the indicator
	 */
	@Bean
	@ConditionalOnMissingBean(name = { "dlmHealthIndicator", "dlmHealthContributor" })
	DlmHealthIndicator dlmHealthIndicator(DlmLockRegistries registries, DlmHealthIndicatorProperties properties,
			ObjectProvider<DlmLongHoldMonitor> longHolds) {
		return new DlmHealthIndicator(registries, properties.getProbeTimeout(), longHolds.getIfUnique(),
				properties.isDownOnLongHolds());
	}

}
