package io.github.dlm.lock.observation;

import io.micrometer.observation.Observation;

import io.github.dlm.core.DlmMode;

/**
 * What the observations of one DLM lock know about it: where it lives, its key and the
 * mode asked for, and whether a thread or an asynchronous owner asks.
 */
public abstract class DlmObservationContext extends Observation.Context {

	private final String lockspace;

	private final String backend;

	private final String key;

	private final String resource;

	private final DlmMode mode;

	private final boolean asynchronous;

	/**
	 * Creates a context.
	 * @param lockspace the lockspace name
	 * @param backend the backend name, such as {@code local} or {@code native}
	 * @param key the lock key as logs show it
	 * @param resource the resource name the key maps to, as logs show it
	 * @param mode the mode asked for
	 * @param asynchronous whether an asynchronous owner asks rather than a thread
	 */
	protected DlmObservationContext(String lockspace, String backend, String key, String resource, DlmMode mode,
			boolean asynchronous) {
		this.lockspace = lockspace;
		this.backend = backend;
		this.key = key;
		this.resource = resource;
		this.mode = mode;
		this.asynchronous = asynchronous;
	}

	/**
	 * The lockspace name.
	 * @return the name
	 */
	public String getLockspace() {
		return this.lockspace;
	}

	/**
	 * The backend name, such as {@code local} or {@code native}.
	 * @return the name
	 */
	public String getBackend() {
		return this.backend;
	}

	/**
	 * The lock key as logs show it (long keys shortened).
	 * @return the key
	 */
	public String getKey() {
		return this.key;
	}

	/**
	 * The DLM resource name the key maps to, as logs show it.
	 * @return the resource name
	 */
	public String getResource() {
		return this.resource;
	}

	/**
	 * The mode asked for.
	 * @return the mode
	 */
	public DlmMode getMode() {
		return this.mode;
	}

	/**
	 * Whether an asynchronous owner ({@code lockAsync()}, {@code @DlmLocked} on a method
	 * returning a {@code CompletionStage}, {@code Mono} or {@code Flux}) asks, rather than
	 * a thread.
	 * @return {@code true} for an asynchronous owner
	 */
	public boolean isAsynchronous() {
		return this.asynchronous;
	}

}
