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

	private static final Duration MAX_PROBE_TIMEOUT = Duration.ofDays(1);

	/**
	 * Time the lock manager may take to answer the health probe (an NL lock and its unlock)
	 * before the lockspace is reported DOWN: positive, at most 1d. Recovery after a node
	 * failure or a lost quorum holds every request, so keep it well below the health
	 * endpoint's caller's timeout.
	 */
	private Duration probeTimeout = Duration.ofSeconds(2);

	/**
	 * Whether a lock held longer than dlm.registry.warn-held-longer-than makes the health
	 * DOWN. When false, such holds are only listed in the 'longHolds' detail.
	 */
	private boolean downOnLongHolds;

	public boolean isDownOnLongHolds() {
		return this.downOnLongHolds;
	}

	public void setDownOnLongHolds(boolean downOnLongHolds) {
		this.downOnLongHolds = downOnLongHolds;
	}

	public Duration getProbeTimeout() {
		return this.probeTimeout;
	}

	public void setProbeTimeout(Duration probeTimeout) {
		if (probeTimeout == null || probeTimeout.isNegative() || probeTimeout.isZero()) {
			throw new InvalidConfigurationPropertyValueException("management.health.dlm.probe-timeout", probeTimeout,
					"The probe timeout must be positive, such as 2s");
		}
		if (probeTimeout.compareTo(MAX_PROBE_TIMEOUT) > 0) {
			throw new InvalidConfigurationPropertyValueException("management.health.dlm.probe-timeout", probeTimeout,
					"The probe timeout must be at most 1d (a probe that waits longer tells nothing), such as 2s");
		}
		this.probeTimeout = probeTimeout;
	}

}
