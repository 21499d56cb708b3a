package io.github.dlm.core;

/**
 * A request was cancelled before it was granted ({@code DLM_ECANCEL}).
 */
public class DlmCancelledException extends DlmException {

	/**
	 * Creates the exception.
	 * @param message what happened and what to do
	 * @param errno the {@code errno} or status behind it
	 */
	public DlmCancelledException(String message, int errno) {
		super(message, errno);
	}

}
