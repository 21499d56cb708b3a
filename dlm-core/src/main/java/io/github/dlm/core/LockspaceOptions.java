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
 * @param noDirectory whether a lockspace this process creates asks for no resource
 * directory ({@code DLM_LSFL_NODIR}): each resource is then mastered by the node its name
 * hashes to, with no directory lookup. Every node must create the lockspace the same way.
 * Passed to the lock manager only when creating; current kernels take the directory mode
 * from {@code dlm_controld}'s configuration instead (see the README), and the local engine,
 * which has no directory, ignores it
 */
public record LockspaceOptions(boolean create, int permissions, boolean releaseOnClose, boolean noDirectory) {

	/** Create when missing, mode {@code 0600}, keep the lockspace on close, with a directory. */
	public static final LockspaceOptions DEFAULTS = new LockspaceOptions(true, 0600, false, false);

	public LockspaceOptions {
		if (permissions < 0 || permissions > 0777) {
			throw new IllegalArgumentException(
					"Lockspace permissions must be octal 0000..0777 but were " + Integer.toOctalString(permissions));
		}
	}

	/**
	 * Options with a resource directory (the lock manager's default).
	 * @param create whether to create the lockspace when it does not exist
	 * @param permissions the permission bits of the lockspace device when created here
	 * @param releaseOnClose whether closing the lockspace also releases it
	 */
	public LockspaceOptions(boolean create, int permissions, boolean releaseOnClose) {
		this(create, permissions, releaseOnClose, false);
	}

}
