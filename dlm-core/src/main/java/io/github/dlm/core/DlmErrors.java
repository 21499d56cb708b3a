package io.github.dlm.core;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

import org.jspecify.annotations.Nullable;

/**
 * Turns an {@code errno} returned by a call, or an error status delivered in a completion,
 * into the matching {@link DlmException} with a message that names the operation, the lock,
 * the lockspace and the likely fix. Both backends use it, so a failure reads the same on
 * either.
 */
public final class DlmErrors {

	/** {@code EPERM}. */
	public static final int EPERM = 1;

	/** {@code ENOENT}. */
	public static final int ENOENT = 2;

	/** {@code EAGAIN}. */
	public static final int EAGAIN = 11;

	/** {@code ENOMEM}. */
	public static final int ENOMEM = 12;

	/** {@code EACCES}. */
	public static final int EACCES = 13;

	/** {@code EBUSY}. */
	public static final int EBUSY = 16;

	/** {@code EEXIST}. */
	public static final int EEXIST = 17;

	/** {@code EINVAL}. */
	public static final int EINVAL = 22;

	/** {@code EDEADLK}. */
	public static final int EDEADLK = 35;

	/** {@code EUNATCH}: the kernel's answer when no {@code dlm_controld} runs. */
	public static final int EUNATCH = 49;

	/** {@code EADDRNOTAVAIL}: the cluster communication address is missing. */
	public static final int EADDRNOTAVAIL = 99;

	/** {@code EINPROGRESS}. */
	public static final int EINPROGRESS = 115;

	private DlmErrors() {
	}

	/**
	 * The exception for an error.
	 * @param errno the {@code errno} or error status
	 * @param operation what was attempted, such as {@code "lock EX"} or {@code "open lockspace"}
	 * @param lockspace the lockspace name
	 * @param resourceName the resource, or {@code null} for lockspace operations
	 * @return the exception to throw
	 */
	public static DlmException toException(int errno, String operation, String lockspace,
			byte @Nullable [] resourceName) {
		String subject = (resourceName != null)
				? "lock '" + printable(resourceName) + "' in lockspace '" + lockspace + "'" : "lockspace '" + lockspace + "'";
		String prefix = "DLM " + operation + " of " + subject + " failed: ";
		return switch (errno) {
			case EAGAIN -> new DlmNotGrantedException(prefix
					+ "not granted at once (EAGAIN) because another holder has an incompatible mode", errno);
			case EDEADLK -> new DlmDeadlockException(prefix + "conversion deadlock (EDEADLK); the lock keeps its "
					+ "granted mode. Release and re-acquire, or request with CONVDEADLK", errno);
			case 0x10001 -> new DlmCancelledException(prefix + "the request was cancelled (DLM_ECANCEL)", errno);
			case EINVAL -> new DlmInvalidRequestException(prefix
					+ "invalid request (EINVAL): check the mode, the flag combination and the name length", errno);
			case EBUSY -> new DlmBusyException(prefix
					+ "another operation on this lock is in flight, or the lockspace still has locks (EBUSY)", errno);
			case EINPROGRESS -> new DlmBusyException(prefix + "an unlock of this lock is already under way (EINPROGRESS)",
					errno);
			case EPERM, EACCES -> new DlmPermissionException(prefix + "permission denied (" + name(errno)
					+ "): creating or releasing a lockspace needs CAP_SYS_ADMIN (run as root or grant the capability, "
					+ "or have an administrator create it with 'dlm_tool join' and set dlm.lockspace.create=false); "
					+ "opening one needs read-write access to /dev/misc/dlm_" + lockspace
					+ " (dlm.lockspace.permissions sets its mode at creation)", errno);
			case ENOENT -> new DlmLockspaceNotFoundException(prefix + "not found (ENOENT): "
					+ ((resourceName != null) ? "the lock no longer exists in the lock manager"
							: "the lockspace does not exist on this node; create it (dlm.lockspace.create=true) or join it "
									+ "with 'dlm_tool join " + lockspace + "'"), errno);
			case EEXIST -> new DlmLockspaceExistsException(prefix + "the lockspace already exists (EEXIST)", errno);
			case ENOMEM -> new DlmException(prefix + "the kernel is out of memory (ENOMEM)", errno);
			case EUNATCH -> new DlmUnavailableException(prefix + "no DLM user daemon is running (EUNATCH): start "
					+ "corosync and dlm_controld ('systemctl start corosync dlm') and wait until the cluster is quorate",
					errno);
			case EADDRNOTAVAIL -> new DlmUnavailableException(prefix + "the cluster communication address is not "
					+ "available (EADDRNOTAVAIL): the network interface named in corosync.conf is missing or was renamed",
					errno);
			default -> new DlmException(prefix + name(errno), errno);
		};
	}

	/**
	 * A symbolic name for an error value, for messages.
	 * @param errno the value
	 * @return such as {@code "EAGAIN"}, or {@code "errno 42"} for values without a name here
	 */
	public static String name(int errno) {
		return switch (errno) {
			case EPERM -> "EPERM";
			case ENOENT -> "ENOENT";
			case EAGAIN -> "EAGAIN";
			case ENOMEM -> "ENOMEM";
			case EACCES -> "EACCES";
			case EBUSY -> "EBUSY";
			case EEXIST -> "EEXIST";
			case EINVAL -> "EINVAL";
			case EDEADLK -> "EDEADLK";
			case EUNATCH -> "EUNATCH";
			case EADDRNOTAVAIL -> "EADDRNOTAVAIL";
			case EINPROGRESS -> "EINPROGRESS";
			case 0x10001 -> "DLM_ECANCEL";
			case 0x10002 -> "DLM_EUNLOCK";
			case 0x10003 -> "DLM_EINPROG";
			default -> "errno " + errno;
		};
	}

	/**
	 * A resource name for messages: as UTF-8 text when it is printable, else in hex.
	 * @param resourceName the name bytes
	 * @return the printable form
	 */
	public static String printable(byte[] resourceName) {
		for (byte b : resourceName) {
			if (b < 0x20 || b == 0x7f) {
				return "0x" + HexFormat.of().formatHex(resourceName);
			}
		}
		return new String(resourceName, StandardCharsets.UTF_8);
	}

}
