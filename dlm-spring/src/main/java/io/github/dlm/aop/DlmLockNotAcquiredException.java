package io.github.dlm.aop;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

import io.github.dlm.core.DlmMode;

/**
 * A {@link DlmLocked @DlmLocked} method did not run because its lock was not acquired in
 * time (or the wait was interrupted).
 */
public class DlmLockNotAcquiredException extends RuntimeException {

	private final Object key;

	private final String lockspace;

	private final DlmMode mode;

	private final @Nullable Duration waitTime;

	/**
	 * Creates the exception.
	 * @param message what happened
	 * @param key the lock key
	 * @param lockspace the lockspace name
	 * @param mode the mode asked for
	 * @param waitTime how long the caller waited, {@code null} for without limit
	 * @param cause the cause, such as an {@link InterruptedException}, or {@code null}
	 */
	public DlmLockNotAcquiredException(String message, Object key, String lockspace, DlmMode mode,
			@Nullable Duration waitTime, @Nullable Throwable cause) {
		super(message, cause);
		this.key = key;
		this.lockspace = lockspace;
		this.mode = mode;
		this.waitTime = waitTime;
	}

	/**
	 * The lock key.
	 * @return the key
	 */
	public Object getKey() {
		return this.key;
	}

	/**
	 * The lockspace name.
	 * @return the lockspace
	 */
	public String getLockspace() {
		return this.lockspace;
	}

	/**
	 * The mode asked for.
	 * @return the mode
	 */
	public DlmMode getMode() {
		return this.mode;
	}

	/**
	 * How long the caller waited.
	 * @return the wait time, {@code null} when it waited without limit (and was interrupted)
	 */
	public @Nullable Duration getWaitTime() {
		return this.waitTime;
	}

}
