package io.github.dlm.jna;

import java.util.Set;

import io.github.dlm.core.DlmErrors;
import io.github.dlm.core.DlmFlag;
import io.github.dlm.core.DlmMode;

/**
 * The flag combinations the kernel refuses with {@code EINVAL} (fs/dlm/lock.c
 * {@code set_lock_args}/{@code validate_lock_args}), checked before the call so the caller
 * gets an {@link IllegalArgumentException} naming the rule instead of an errno (and the
 * kernel log no warning for "dlm usage is wrong").
 */
final class NativeRequestRules {

	private NativeRequestRules() {
	}

	/**
	 * Checks a request.
	 * @param mode the mode requested
	 * @param flags the flags
	 * @param conversion whether the lock is already granted (the request converts it)
	 * @param resourceName the resource, for the message
	 * @throws IllegalArgumentException naming the rule broken
	 */
	static void check(DlmMode mode, Set<DlmFlag> flags, boolean conversion, byte[] resourceName) {
		if (!conversion) {
			if (flags.contains(DlmFlag.QUECVT)) {
				throw new IllegalArgumentException(
						"QUECVT applies only to conversions, not to a new request" + subject(mode, resourceName));
			}
			if (flags.contains(DlmFlag.CONVDEADLK)) {
				throw new IllegalArgumentException(
						"CONVDEADLK applies only to conversions, not to a new request" + subject(mode, resourceName));
			}
		}
		if (flags.contains(DlmFlag.CONVDEADLK) && flags.contains(DlmFlag.NOQUEUE)) {
			throw new IllegalArgumentException(
					"CONVDEADLK and NOQUEUE cannot be combined" + subject(mode, resourceName));
		}
		if (flags.contains(DlmFlag.EXPEDITE)) {
			if (conversion || mode != DlmMode.NL || flags.contains(DlmFlag.NOQUEUE) || flags.contains(DlmFlag.QUECVT)) {
				throw new IllegalArgumentException("EXPEDITE is only valid on a new request for NL, without NOQUEUE "
						+ "and QUECVT" + subject(mode, resourceName));
			}
		}
	}

	// built only for a refusal: check runs on every request
	private static String subject(DlmMode mode, byte[] resourceName) {
		return " (request for " + mode + " on lock '" + DlmErrors.printable(resourceName) + "')";
	}

}
