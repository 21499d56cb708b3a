package io.github.dlm.autoconfigure;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.integration.support.leader.LockRegistryLeaderInitiator;

/**
 * Leader election through the DLM, under {@code dlm.leader}: one Spring Integration
 * {@link LockRegistryLeaderInitiator} per {@link org.springframework.integration.leader.Candidate}
 * bean (and one for {@code dlm.leader.role}), each holding the EX lock named after its role
 * for as long as this process leads. The timing defaults are the initiator's own.
 */
@ConfigurationProperties("dlm.leader")
public class DlmLeaderProperties {

	/**
	 * Whether Candidate beans, and dlm.leader.role, take part in leader elections through the
	 * default lock registry. Backs off when the application defines a
	 * LockRegistryLeaderInitiator of its own.
	 */
	private boolean enabled = true;

	/**
	 * Role this process runs for without a Candidate bean of its own: the name of the lock
	 * whose holder leads. Leadership is announced by OnGrantedEvent and OnRevokedEvent
	 * application events. Unset: only Candidate beans take part.
	 */
	private @Nullable String role;

	/**
	 * Time a leader waits between checks that it still holds its lock, and a candidate
	 * between attempts after an error.
	 */
	private Duration heartBeat = Duration.ofMillis(500);

	/**
	 * Time each attempt to take the lock waits before the candidate checks whether it was
	 * stopped. A DLM request costs nothing while it waits, so this mainly bounds how long
	 * stopping takes.
	 */
	private Duration busyWait = Duration.ofMillis(50);

	/**
	 * Whether a failed attempt to take the lock publishes an OnFailedToAcquireMutexEvent
	 * (one per busy-wait period while another process leads).
	 */
	private boolean publishFailedEvents;

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public @Nullable String getRole() {
		return this.role;
	}

	public void setRole(@Nullable String role) {
		this.role = role;
	}

	public Duration getHeartBeat() {
		return this.heartBeat;
	}

	public void setHeartBeat(Duration heartBeat) {
		this.heartBeat = positive("dlm.leader.heart-beat", heartBeat);
	}

	public Duration getBusyWait() {
		return this.busyWait;
	}

	public void setBusyWait(Duration busyWait) {
		this.busyWait = positive("dlm.leader.busy-wait", busyWait);
	}

	public boolean isPublishFailedEvents() {
		return this.publishFailedEvents;
	}

	public void setPublishFailedEvents(boolean publishFailedEvents) {
		this.publishFailedEvents = publishFailedEvents;
	}

	private static Duration positive(String name, Duration value) {
		if (value == null || value.isNegative() || value.isZero()) {
			throw new InvalidConfigurationPropertyValueException(name, value, "It must be a positive duration, such as 500ms");
		}
		return value;
	}

}
