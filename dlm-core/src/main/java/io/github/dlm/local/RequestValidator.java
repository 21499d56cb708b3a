package io.github.dlm.local;

import java.util.Set;

import io.github.dlm.core.DlmFlag;
import io.github.dlm.core.DlmMode;

/**
 * The kernel's checks of a request's mode and flags ({@code set_lock_args} and the QUECVT
 * part of {@code validate_lock_args}), raised as {@link IllegalArgumentException}s that
 * name the rule and the fix instead of a bare {@code EINVAL}.
 */
final class RequestValidator {

	/** QUECVT[granted][requested]: the up-conversions that may be queued with QUECVT. */
	private static final boolean[][] QUECVT = {
			/*          NL     CR     CW     PR     PW     EX */
			/* NL */ { false, true, true, true, true, true },
			/* CR */ { false, false, true, true, true, true },
			/* CW */ { false, false, false, true, true, true },
			/* PR */ { false, false, true, false, true, true },
			/* PW */ { false, false, false, false, false, true },
			/* EX */ { false, false, false, false, false, false } };

	private RequestValidator() {
	}

	/**
	 * Checks a request.
	 * @param mode the mode requested
	 * @param flags the flags
	 * @param grantedMode the granted mode if this is a conversion, {@link Modes#IV} for a
	 * new request
	 */
	static void check(DlmMode mode, Set<DlmFlag> flags, int grantedMode) {
		boolean conversion = grantedMode != Modes.IV;
		if (!conversion) {
			refuse(flags.contains(DlmFlag.QUECVT), "QUECVT is only valid on a conversion; request the lock first");
			refuse(flags.contains(DlmFlag.CONVDEADLK),
					"CONVDEADLK is only valid on a conversion; request the lock first");
		}
		refuse(flags.contains(DlmFlag.CONVDEADLK) && flags.contains(DlmFlag.NOQUEUE),
				"CONVDEADLK and NOQUEUE cannot be combined: a NOQUEUE conversion never waits, so it never deadlocks");
		if (flags.contains(DlmFlag.EXPEDITE)) {
			refuse(conversion, "EXPEDITE is only valid on a new request, not on a conversion");
			refuse(flags.contains(DlmFlag.QUECVT), "EXPEDITE and QUECVT cannot be combined");
			refuse(flags.contains(DlmFlag.NOQUEUE), "EXPEDITE and NOQUEUE cannot be combined");
			refuse(mode != DlmMode.NL, "EXPEDITE is only valid for NL requests, not " + mode);
		}
		if (conversion && flags.contains(DlmFlag.QUECVT)) {
			refuse(!QUECVT[grantedMode][mode.nativeValue()], "QUECVT is not valid for a conversion from "
					+ Modes.toMode(grantedMode) + " to " + mode + "; it applies only to up-conversions");
		}
	}

	private static void refuse(boolean invalid, String reason) {
		if (invalid) {
			throw new IllegalArgumentException("Invalid DLM request (the kernel answers EINVAL): " + reason);
		}
	}

}
