package io.github.dlm.core;

/**
 * Root of the exceptions raised for DLM outcomes and failures. Unchecked, like Spring's
 * {@code DataAccessException}: messages name the lock, the lockspace, the cause and the fix.
 */
public class DlmException extends RuntimeException {

	private final int errno;

	/**
	 * Creates an exception.
	 * @param message what happened and what to do
	 * @param errno the {@code errno} or {@code sb_status} behind it, 0 if none
	 */
	public DlmException(String message, int errno) {
		super(message);
		this.errno = errno;
	}

	/**
	 * Creates an exception with a cause.
	 * @param message what happened and what to do
	 * @param errno the {@code errno} or {@code sb_status} behind it, 0 if none
	 * @param cause the cause
	 */
	public DlmException(String message, int errno, Throwable cause) {
		super(message, cause);
		this.errno = errno;
	}

	/**
	 * The {@code errno} behind this exception (see {@link Errno}).
	 * @return the value, 0 when there is none (such as for a cancelled request)
	 */
	public int getErrno() {
		return this.errno;
	}

}
