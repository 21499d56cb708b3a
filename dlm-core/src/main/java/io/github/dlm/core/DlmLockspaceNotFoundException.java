package io.github.dlm.core;

/**
 * The lockspace or lock does not exist ({@code ENOENT}).
 */
public class DlmLockspaceNotFoundException extends DlmException {

	/**
	 * Creates the exception.
	 * @param message what happened and what to do
	 * @param errno the {@code errno} or status behind it
	 */
	public DlmLockspaceNotFoundException(String message, int errno) {
		super(message, errno);
	}

}
