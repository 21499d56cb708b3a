package io.github.dlm.core;

/**
 * How a request ended, as delivered in the completion callback ({@code sb_status} of the
 * lock status block).
 */
public enum DlmStatus {

	/** The request or conversion was granted ({@code 0}). */
	GRANTED(0),

	/** A {@link DlmFlag#NOQUEUE} request could not be granted at once ({@code EAGAIN}). */
	NOT_GRANTED(11),

	/** A conversion deadlock was detected; the lock keeps its granted mode ({@code EDEADLK}). */
	DEADLOCK(35),

	/** The waiting request or conversion was cancelled ({@code DLM_ECANCEL}). */
	CANCELLED(0x10001),

	/** The lock was released ({@code DLM_EUNLOCK}). */
	UNLOCKED(0x10002);

	private final int nativeValue;

	DlmStatus(int nativeValue) {
		this.nativeValue = nativeValue;
	}

	/**
	 * The value libdlm stores in {@code sb_status}.
	 * @return the status value
	 */
	public int nativeValue() {
		return this.nativeValue;
	}

	/**
	 * The status with the given {@code sb_status} value.
	 * @param nativeValue the value
	 * @return the status, or {@code null} if the value is none of these (an error code)
	 */
	public static DlmStatus fromNative(int nativeValue) {
		for (DlmStatus status : values()) {
			if (status.nativeValue == nativeValue) {
				return status;
			}
		}
		return null;
	}

}
