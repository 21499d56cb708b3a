package io.github.dlm.core;

import java.util.Objects;
import java.util.Set;

import org.jspecify.annotations.Nullable;

/**
 * The checks the kernel makes of a request's mode and flags before it queues anything
 * ({@code set_lock_args} and the QUECVT part of {@code validate_lock_args} in
 * {@code fs/dlm/lock.c}), made by every backend before the request is sent: the caller
 * gets an {@link IllegalArgumentException} that names the rule and the fix instead of a
 * bare {@code EINVAL} (and the kernel log no "dlm usage is wrong" warning).
 */
public final class DlmRequestRules {

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

	private DlmRequestRules() {
	}

	/**
	 * Whether a conversion from one mode to another may be queued with {@link DlmFlag#QUECVT}.
	 * @param granted the mode the lock is granted in
	 * @param requested the mode it converts to
	 * @return {@code true} for the up-conversions QUECVT applies to
	 */
	public static boolean allowsQueuedConversion(DlmMode granted, DlmMode requested) {
		return QUECVT[granted.nativeValue()][requested.nativeValue()];
	}

	/**
	 * Checks a request's arguments as the caller passed them, before any lock state is
	 * looked at: the same messages from every backend.
	 * @param mode the mode requested
	 * @param flags the flags
	 * @param valueBlock the value block passed, or {@code null}
	 * @throws NullPointerException if the mode or the flags are {@code null}
	 * @throws IllegalArgumentException if the value block is not
	 * {@value DlmCompletion#VALUE_BLOCK_LENGTH} bytes, or is passed without
	 * {@link DlmFlag#VALBLK}
	 */
	public static void checkArguments(DlmMode mode, Set<DlmFlag> flags, byte @Nullable [] valueBlock) {
		Objects.requireNonNull(mode, "DLM lock mode must not be null");
		Objects.requireNonNull(flags, "DLM request flags must not be null; pass Set.of() for none");
		if (valueBlock != null) {
			DlmNames.checkValueBlock(valueBlock);
			if (!flags.contains(DlmFlag.VALBLK)) {
				throw new IllegalArgumentException("A value block was passed to a DLM request without DlmFlag.VALBLK; "
						+ "add VALBLK to use the value block, or pass null");
			}
		}
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
	public static void check(DlmMode mode, Set<DlmFlag> flags, @Nullable DlmMode granted,
			DlmResourceName resourceName) {
		boolean conversion = granted != null;
		if (!conversion) {
			refuse(flags.contains(DlmFlag.QUECVT), "QUECVT is only valid on a conversion; request the lock first",
					mode, resourceName);
			refuse(flags.contains(DlmFlag.CONVDEADLK),
					"CONVDEADLK is only valid on a conversion; request the lock first", mode, resourceName);
		}
		refuse(flags.contains(DlmFlag.CONVDEADLK) && flags.contains(DlmFlag.NOQUEUE),
				"CONVDEADLK and NOQUEUE cannot be combined: a NOQUEUE conversion never waits, so it never deadlocks",
				mode, resourceName);
		if (flags.contains(DlmFlag.EXPEDITE)) {
			refuse(conversion, "EXPEDITE is only valid on a new request, not on a conversion", mode, resourceName);
			refuse(flags.contains(DlmFlag.QUECVT), "EXPEDITE and QUECVT cannot be combined", mode, resourceName);
			refuse(flags.contains(DlmFlag.NOQUEUE), "EXPEDITE and NOQUEUE cannot be combined", mode, resourceName);
			refuse(mode != DlmMode.NL, "EXPEDITE is only valid for NL requests, not " + mode, mode, resourceName);
		}
		if (granted != null && flags.contains(DlmFlag.QUECVT)) {
			refuse(!allowsQueuedConversion(granted, mode), "QUECVT is not valid for a conversion from " + granted
					+ " to " + mode + "; it applies only to up-conversions", mode, resourceName);
		}
	}

	private static void refuse(boolean invalid, String reason, DlmMode mode, DlmResourceName resourceName) {
		if (invalid) {
			throw new IllegalArgumentException("Invalid DLM request for " + mode + " on lock '" + resourceName
					+ "' (the kernel answers EINVAL): " + reason);
		}
	}

}
