package io.github.dlm.core;

/**
 * How a request ended, as delivered in the completion callback. A backend maps its own
 * representation (libdlm's {@code sb_status}) to these; {@link DlmErrors#toException(DlmStatus,
 * String, String, DlmResourceName)} turns the ones a caller did not want into exceptions.
 */
public enum DlmStatus {

	/** The request or conversion was granted. */
	GRANTED,

	/** A {@link DlmFlag#NOQUEUE} request could not be granted at once ({@code EAGAIN}). */
	NOT_GRANTED,

	/** A conversion deadlock was detected; the lock keeps its granted mode ({@code EDEADLK}). */
	DEADLOCK,

	/** The waiting request or conversion was cancelled ({@code DLM_ECANCEL}). */
	CANCELLED,

	/** The lock was released ({@code DLM_EUNLOCK}). */
	UNLOCKED

}
