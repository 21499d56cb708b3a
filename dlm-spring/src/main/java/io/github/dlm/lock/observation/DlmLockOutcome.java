package io.github.dlm.lock.observation;

import java.util.Locale;

/**
 * How an acquisition of a DLM lock ended: the {@code outcome} of a
 * {@linkplain DlmLockObservation#ACQUISITION lock acquisition observation}.
 */
public enum DlmLockOutcome {

	/** The lock was granted. */
	GRANTED,

	/** Asked without waiting ({@code tryLock()}), and another holder was in the way. */
	NOT_GRANTED,

	/** The wait limit ran out before the lock was granted. */
	TIMED_OUT,

	/** The waiting thread was interrupted. */
	INTERRUPTED,

	/** The lock manager found a conversion deadlock. */
	DEADLOCK,

	/** The request was cancelled: the caller cancelled its future, or the lockspace closed. */
	CANCELLED,

	/** The lock manager refused the request, or it failed otherwise. */
	ERROR;

	/**
	 * The outcome as tag value: its name in lower case, such as {@code timed_out}.
	 * @return the value
	 */
	public String value() {
		return name().toLowerCase(Locale.ROOT);
	}

}
