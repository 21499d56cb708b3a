package io.github.dlm.core;

/**
 * The process lacks the permission the operation needs ({@code EPERM}, {@code EACCES}): {@code CAP_SYS_ADMIN} to create or release a lockspace, access to its device to open it.
 */
public class DlmPermissionException extends DlmException {

	/**
	 * Creates the exception.
	 * @param message what happened and what to do
	 * @param errno the {@code errno} or status behind it
	 */
	public DlmPermissionException(String message, int errno) {
		super(message, errno);
	}

}
