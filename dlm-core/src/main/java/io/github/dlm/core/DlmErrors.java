package io.github.dlm.core;

import org.jspecify.annotations.Nullable;

/**
 * Turns an {@code errno} returned by a call, or a {@link DlmStatus} delivered in a
 * completion, into the matching {@link DlmException} with a message that names the
 * operation, the lock, the lockspace and the likely fix in this library's terms (the
 * {@link LockspaceOptions}, the DLM tools, the packages to install). Both backends and the
 * layers above use it, so a failure reads the same on either.
 */
public final class DlmErrors {

	private DlmErrors() {
	}

	/**
	 * The exception for an {@code errno} that a call returned.
	 * @param errno the {@code errno} (see {@link Errno})
	 * @param operation what was attempted, such as {@code "lock EX"} or {@code "open lockspace"}
	 * @param lockspace the lockspace name
	 * @param resourceName the resource, or {@code null} for lockspace operations
	 * @return the exception to throw
	 */
	public static DlmException toException(int errno, String operation, String lockspace,
			@Nullable DlmResourceName resourceName) {
		String prefix = prefix(operation, lockspace, resourceName);
		return switch (errno) {
			case Errno.EAGAIN -> notGranted(prefix);
			case Errno.EDEADLK -> deadlock(prefix);
			case Errno.EINVAL -> new DlmInvalidRequestException(prefix
					+ "invalid request (EINVAL): check the mode, the flag combination and the name length", errno);
			case Errno.EBUSY -> new DlmBusyException(prefix
					+ "another operation on this lock is in flight, or the lockspace still has locks (EBUSY)", errno);
			case Errno.EINPROGRESS -> new DlmBusyException(
					prefix + "an unlock of this lock is already under way (EINPROGRESS)", errno);
			case Errno.EPERM, Errno.EACCES -> new DlmPermissionException(prefix + "permission denied ("
					+ Errno.name(errno) + "): creating or releasing a lockspace needs CAP_SYS_ADMIN (run as root or "
					+ "grant the capability, or have an administrator create it with 'dlm_tool join " + lockspace
					+ "' and open it without creating it: LockspaceOptions with create false); opening one needs "
					+ "read-write access to /dev/misc/dlm_" + lockspace
					+ " (LockspaceOptions.permissions sets its mode when this process creates it)", errno);
			case Errno.ENOENT -> new DlmLockspaceNotFoundException(prefix + "not found (ENOENT): "
					+ ((resourceName != null) ? "the lock no longer exists in the lock manager"
							: "the lockspace does not exist on this node; create it (LockspaceOptions with create "
									+ "true) or join it with 'dlm_tool join " + lockspace + "'"),
					errno);
			case Errno.EEXIST ->
				new DlmLockspaceExistsException(prefix + "the lockspace already exists (EEXIST)", errno);
			case Errno.ENOMEM -> new DlmException(prefix + "the kernel is out of memory (ENOMEM)", errno);
			case Errno.EUNATCH -> new DlmUnavailableException(prefix + "no DLM user daemon is running (EUNATCH): start "
					+ "corosync and dlm_controld ('systemctl start corosync dlm') and wait until the cluster is quorate",
					errno);
			case Errno.EADDRNOTAVAIL -> new DlmUnavailableException(prefix + "the cluster communication address is not "
					+ "available (EADDRNOTAVAIL): the network interface named in corosync.conf is missing or was renamed",
					errno);
			default -> new DlmException(prefix + Errno.name(errno), errno);
		};
	}

	/**
	 * The exception for a completion that did not end the way the caller needed, such as a
	 * {@link DlmStatus#NOT_GRANTED} request that must succeed.
	 * @param status the status delivered
	 * @param operation what was attempted, such as {@code "lock EX"}
	 * @param lockspace the lockspace name
	 * @param resourceName the resource
	 * @return the exception to throw
	 */
	public static DlmException toException(DlmStatus status, String operation, String lockspace,
			DlmResourceName resourceName) {
		String prefix = prefix(operation, lockspace, resourceName);
		return switch (status) {
			case NOT_GRANTED -> notGranted(prefix);
			case DEADLOCK -> deadlock(prefix);
			case CANCELLED -> new DlmCancelledException(prefix + "the request was cancelled (DLM_ECANCEL)", 0);
			case GRANTED, UNLOCKED -> new DlmException(prefix + "unexpected completion " + status, 0);
		};
	}

	private static String prefix(String operation, String lockspace, @Nullable DlmResourceName resourceName) {
		String subject = (resourceName != null) ? "lock '" + resourceName + "' in lockspace '" + lockspace + "'"
				: "lockspace '" + lockspace + "'";
		return "DLM " + operation + " of " + subject + " failed: ";
	}

	private static DlmException notGranted(String prefix) {
		return new DlmNotGrantedException(
				prefix + "not granted at once (EAGAIN) because another holder has an incompatible mode", Errno.EAGAIN);
	}

	private static DlmException deadlock(String prefix) {
		return new DlmDeadlockException(prefix + "conversion deadlock (EDEADLK); the lock keeps its granted mode. "
				+ "Release and re-acquire, or request with CONVDEADLK", Errno.EDEADLK);
	}

}
