package io.github.dlm.core;

/**
 * Another operation on the same lock is in flight ({@code EBUSY}), or the lockspace still has locks.
 */
public class DlmBusyException extends DlmException {

	/**
	 * Creates the exception.
	 * @param message what happened and what to do
	 * @param errno the {@code errno} or status behind it
	 */
	public DlmBusyException(String message, int errno) {
		super(message, errno);
	}

}
