package io.github.dlm.lock.observation;

import io.github.dlm.core.DlmMode;

/**
 * The context of a {@linkplain DlmLockObservation#HOLD hold observation}: one hold of a
 * DLM lock, from its grant until its release.
 */
public class DlmHoldObservationContext extends DlmObservationContext {

	/**
	 * Creates a context.
	 * @param lockspace the lockspace name
	 * @param backend the backend name
	 * @param key the lock key as logs show it
	 * @param resource the resource name as logs show it
	 * @param mode the mode granted
	 * @param asynchronous whether an asynchronous owner holds it rather than a thread
	 */
	public DlmHoldObservationContext(String lockspace, String backend, String key, String resource, DlmMode mode,
			boolean asynchronous) {
		super(lockspace, backend, key, resource, mode, asynchronous);
	}

}
