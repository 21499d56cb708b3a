package io.github.dlm.lock.observation;

import org.jspecify.annotations.Nullable;

import io.github.dlm.core.DlmMode;

/**
 * The context of a {@linkplain DlmLockObservation#ACQUISITION lock acquisition
 * observation}: one wait for a DLM lock, from the request until it is granted or not.
 */
public class DlmLockObservationContext extends DlmObservationContext {

	private @Nullable DlmLockOutcome outcome;

	/**
	 * Creates a context.
	 * @param lockspace the lockspace name
	 * @param backend the backend name
	 * @param key the lock key as logs show it
	 * @param resource the resource name as logs show it
	 * @param mode the mode asked for
	 * @param asynchronous whether an asynchronous owner asks rather than a thread
	 */
	public DlmLockObservationContext(String lockspace, String backend, String key, String resource, DlmMode mode,
			boolean asynchronous) {
		super(lockspace, backend, key, resource, mode, asynchronous);
	}

	/**
	 * How the acquisition ended.
	 * @return the outcome, {@code null} while it waits
	 */
	public @Nullable DlmLockOutcome getOutcome() {
		return this.outcome;
	}

	/**
	 * Sets how the acquisition ended, before the observation stops.
	 * @param outcome the outcome
	 */
	public void setOutcome(DlmLockOutcome outcome) {
		this.outcome = outcome;
	}

}
