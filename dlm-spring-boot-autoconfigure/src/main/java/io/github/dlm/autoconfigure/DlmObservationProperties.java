package io.github.dlm.autoconfigure;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Configuration of the lock layer's Micrometer observations and meters, under
 * {@code dlm.observation}.
 */
@ConfigurationProperties("dlm.observation")
public class DlmObservationProperties {

	/**
	 * Whether to observe lock acquisitions and holds (dlm.lock.acquire, dlm.lock.hold) with
	 * the application's ObservationRegistry, and to publish the dlm.locks.held,
	 * dlm.lock.requests.waiting and dlm.lock.blocking.callbacks meters to its MeterRegistry.
	 */
	private boolean enabled = true;

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

}
