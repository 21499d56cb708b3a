package io.github.dlm.core;

/**
 * A conversion deadlock was detected and this conversion was refused ({@code EDEADLK}); the lock keeps its granted mode.
 */
public class DlmDeadlockException extends DlmException {

	/**
	 * Creates the exception.
	 * @param message what happened and what to do
	 * @param errno the {@code errno} or status behind it
	 */
	public DlmDeadlockException(String message, int errno) {
		super(message, errno);
	}

}
