package io.github.dlm.core;

/**
 * The Linux {@code errno} values that the kernel DLM, libdlm and the C calls around them
 * report, in one place for both backends. Values specific to libdlm's lock status block
 * ({@code DLM_ECANCEL}, {@code DLM_EUNLOCK}, {@code DLM_EINPROG}) are not errnos and live
 * with the native mapping; the outcome of a request is a {@link DlmStatus}.
 */
public final class Errno {

	/** {@code EPERM}: operation not permitted. */
	public static final int EPERM = 1;

	/** {@code ENOENT}: no such lockspace or lock. */
	public static final int ENOENT = 2;

	/** {@code EINTR}: a call was interrupted by a signal. */
	public static final int EINTR = 4;

	/** {@code EAGAIN}: not granted at once. */
	public static final int EAGAIN = 11;

	/** {@code ENOMEM}: out of memory. */
	public static final int ENOMEM = 12;

	/** {@code EACCES}: permission denied. */
	public static final int EACCES = 13;

	/** {@code EBUSY}: another operation is in flight, or the lockspace still has locks. */
	public static final int EBUSY = 16;

	/** {@code EEXIST}: the lockspace exists. */
	public static final int EEXIST = 17;

	/** {@code EINVAL}: invalid argument. */
	public static final int EINVAL = 22;

	/** {@code EDEADLK}: conversion deadlock. */
	public static final int EDEADLK = 35;

	/** {@code EUNATCH}: the kernel's answer when no {@code dlm_controld} runs. */
	public static final int EUNATCH = 49;

	/** {@code EADDRNOTAVAIL}: the cluster communication address is missing. */
	public static final int EADDRNOTAVAIL = 99;

	/** {@code EINPROGRESS}: an unlock of the lock is already under way. */
	public static final int EINPROGRESS = 115;

	private Errno() {
	}

	/**
	 * The symbolic name of a value, for messages.
	 * @param errno the value
	 * @return such as {@code "EAGAIN"}, or {@code "errno 42"} for values without a name here
	 */
	public static String name(int errno) {
		return switch (errno) {
			case EPERM -> "EPERM";
			case ENOENT -> "ENOENT";
			case EINTR -> "EINTR";
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
			default -> "errno " + errno;
		};
	}

}
