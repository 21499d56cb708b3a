package io.github.dlm.core;

/**
 * The DLM cannot be used here: the library is missing, the kernel module or its devices are absent, {@code dlm_controld} is not running or the cluster has no quorum.
 */
public class DlmUnavailableException extends DlmException {

	/**
	 * Creates the exception.
	 * @param message what happened and what to do
	 * @param errno the {@code errno} or status behind it
	 */
	public DlmUnavailableException(String message, int errno) {
		super(message, errno);
	}

}
