package io.github.dlm.autoconfigure;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;

/**
 * Configuration of the "lock in doubt" events ({@link DlmLockInDoubtEvent},
 * {@link DlmLockConfirmedEvent}), under {@code dlm.lock-in-doubt}.
 */
@ConfigurationProperties("dlm.lock-in-doubt")
public class DlmLockInDoubtProperties {

	/**
	 * Whether to watch the application's lockspaces and publish DlmLockInDoubtEvent and
	 * DlmLockConfirmedEvent when one of them enters or leaves recovery, loses or regains
	 * quorum, or is left.
	 */
	private boolean enabled = true;

	/**
	 * How often each open lockspace's condition is read (on the native backend, one small
	 * sysfs file; 'dlm_tool ls' only while the lockspace is stopped). An event comes at
	 * most this long after the lock manager shows the change.
	 */
	private Duration pollInterval = Duration.ofSeconds(1);

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public Duration getPollInterval() {
		return this.pollInterval;
	}

	public void setPollInterval(Duration pollInterval) {
		if (pollInterval == null || pollInterval.isNegative() || pollInterval.isZero()) {
			throw new InvalidConfigurationPropertyValueException("dlm.lock-in-doubt.poll-interval", pollInterval,
					"The poll interval must be positive, such as 1s");
		}
		this.pollInterval = pollInterval;
	}

}
