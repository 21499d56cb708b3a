package io.github.dlm.jna;

import java.util.Set;

import org.jspecify.annotations.Nullable;

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

	/**
	 * QUECVT[granted][requested] by {@link DlmMode#nativeValue()}: the up-conversions that may
	 * be queued with QUECVT (the kernel's {@code __quecvt_compat_matrix}).
	 */
	private static final boolean[][] QUECVT = {
			/*          NL     CR     CW     PR     PW     EX */
			/* NL */ { false, true, true, true, true, true },
			/* CR */ { false, false, true, true, true, true },
			/* CW */ { false, false, false, true, true, true },
			/* PR */ { false, false, true, false, true, true },
			/* PW */ { false, false, false, false, false, true },
			/* EX */ { false, false, false, false, false, false } };

	private NativeRequestRules() {
	}

	/**
	 * Checks a request.
	 * @param mode the mode requested
	 * @param flags the flags
	 * @param granted the mode the lock is granted in (the request converts it), or
	 * {@code null} for a new request
	 * @param resourceName the resource, for the message
	 * @throws IllegalArgumentException naming the rule broken
	 */
	static void check(DlmMode mode, Set<DlmFlag> flags, @Nullable DlmMode granted, byte[] resourceName) {
		boolean conversion = granted != null;
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
		if (granted != null && flags.contains(DlmFlag.QUECVT) && !QUECVT[granted.nativeValue()][mode.nativeValue()]) {
			throw new IllegalArgumentException("QUECVT is not valid for a conversion from " + granted + " to " + mode
					+ ": it applies only to up-conversions" + subject(mode, resourceName));
		}
	}

	// built only for a refusal: check runs on every request
	private static String subject(DlmMode mode, byte[] resourceName) {
		return " (request for " + mode + " on lock '" + DlmErrors.printable(resourceName) + "')";
	}

}
