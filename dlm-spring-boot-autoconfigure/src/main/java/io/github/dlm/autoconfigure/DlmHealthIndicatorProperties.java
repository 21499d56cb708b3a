package io.github.dlm.autoconfigure;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;

/**
 * Configuration of the DLM health indicator, under {@code management.health.dlm}
 * (enabled or not by {@code management.health.dlm.enabled}, like Spring Boot's own
 * indicators).
 */
@ConfigurationProperties("management.health.dlm")
public class DlmHealthIndicatorProperties {

	/**
	 * How long the lock manager may take to answer the health probe (an NL lock and its
	 * unlock) before the lockspace is reported DOWN. Recovery after a node failure or a lost
	 * quorum holds every request, so keep it well below the health endpoint's caller's timeout.
	 */
	private Duration probeTimeout = Duration.ofSeconds(2);

	public Duration getProbeTimeout() {
		return this.probeTimeout;
	}

	public void setProbeTimeout(Duration probeTimeout) {
		if (probeTimeout == null || probeTimeout.isNegative() || probeTimeout.isZero()) {
			throw new InvalidConfigurationPropertyValueException("management.health.dlm.probe-timeout", probeTimeout,
					"The probe timeout must be positive, such as 2s");
		}
		this.probeTimeout = probeTimeout;
	}

}
