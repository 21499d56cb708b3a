package io.github.dlm.local;

import io.github.dlm.core.DlmMode;
import org.jspecify.annotations.Nullable;

/**
 * Lock modes as the engine keeps them: the native values 0 (NL) to 5 (EX), and
 * {@link #IV} for "no mode" (the granted mode of a lock that was never granted, the requested
 * mode of a lock with nothing in flight), like the kernel's {@code DLM_LOCK_IV}.
 */
final class Modes {

	static final int IV = -1;

	static final int NL = 0;

	static final int CW = 2;

	static final int PR = 3;

	static final int PW = 4;

	static final int EX = 5;

	private static final DlmMode[] MODES = DlmMode.values();

	private Modes() {
	}

	/**
	 * Whether a lock granted in {@code granted} lets one be granted in {@code requested};
	 * {@link #IV} is compatible with everything, as the kernel's "unlocked" row and column.
	 */
	static boolean compatible(int granted, int requested) {
		if (granted == IV || requested == IV) {
			return true;
		}
		return MODES[granted].isCompatibleWith(MODES[requested]);
	}

	static int of(@Nullable DlmMode mode) {
		return (mode != null) ? mode.nativeValue() : IV;
	}

	static @Nullable DlmMode toMode(int mode) {
		return (mode == IV) ? null : MODES[mode];
	}

}
