package io.github.dlm.core;

/**
 * A request that must not wait ({@link DlmFlag#NOQUEUE}) could not be granted ({@code EAGAIN}).
 */
public class DlmNotGrantedException extends DlmException {

	/**
	 * Creates the exception.
	 * @param message what happened and what to do
	 * @param errno the {@code errno} or status behind it
	 */
	public DlmNotGrantedException(String message, int errno) {
		super(message, errno);
	}

}
