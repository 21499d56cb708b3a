package io.github.dlm.core;

/**
 * How a lockspace is opened and what happens when it is closed.
 *
 * @param create whether to create the lockspace when it does not exist (needs
 * {@code CAP_SYS_ADMIN} and a running {@code dlm_controld} on the native backend)
 * @param permissions the permission bits of the lockspace device when this process
 * creates it, such as {@code 0600}
 * @param releaseOnClose whether closing the lockspace also releases it (drops this node's
 * reference to it in the cluster) instead of only closing this process's handle
 */
public record LockspaceOptions(boolean create, int permissions, boolean releaseOnClose) {

	/** Create when missing, mode {@code 0600}, keep the lockspace on close. */
	public static final LockspaceOptions DEFAULTS = new LockspaceOptions(true, 0600, false);

	public LockspaceOptions {
		if (permissions < 0 || permissions > 0777) {
			throw new IllegalArgumentException(
					"Lockspace permissions must be octal 0000..0777 but were " + Integer.toOctalString(permissions));
		}
	}

}
