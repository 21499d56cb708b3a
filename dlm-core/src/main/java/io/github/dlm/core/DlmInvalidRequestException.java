package io.github.dlm.core;

/**
 * The lock manager refused a request as invalid ({@code EINVAL}): a bad mode, flag combination, lock id or name.
 */
public class DlmInvalidRequestException extends DlmException {

	/**
	 * Creates the exception.
	 * @param message what happened and what to do
	 * @param errno the {@code errno} or status behind it
	 */
	public DlmInvalidRequestException(String message, int errno) {
		super(message, errno);
	}

}
