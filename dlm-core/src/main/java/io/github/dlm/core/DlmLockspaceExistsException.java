package io.github.dlm.core;

/**
 * The lockspace already exists and exclusive creation was asked for ({@code EEXIST}).
 */
public class DlmLockspaceExistsException extends DlmException {

	/**
	 * Creates the exception.
	 * @param message what happened and what to do
	 * @param errno the {@code errno} or status behind it
	 */
	public DlmLockspaceExistsException(String message, int errno) {
		super(message, errno);
	}

}
