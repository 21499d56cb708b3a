package io.github.dlm.lock.model;

import org.jspecify.annotations.Nullable;

import io.github.dlm.core.DlmMode;

/**
 * The order of DLM modes by what they exclude: {@code a} covers {@code b} when every mode
 * incompatible with {@code b} is incompatible with {@code a} too, so holding {@code a} gives
 * at least the guarantees of holding {@code b}. NL &lt; CR &lt; CW, PR &lt; PW &lt; EX; CW and PR
 * are incomparable (their join is PW, their meet CR).
 */
final class Modes {

	private static final DlmMode[] MODES = DlmMode.values();

	private Modes() {
	}

	static boolean covers(DlmMode held, DlmMode wanted) {
		for (DlmMode other : MODES) {
			if (!wanted.isCompatibleWith(other) && held.isCompatibleWith(other)) {
				return false;
			}
		}
		return true;
	}

	/** The weakest mode covering both: what a thread holding both must at least hold. */
	static DlmMode join(@Nullable DlmMode a, DlmMode b) {
		if (a == null) {
			return b;
		}
		for (DlmMode mode : MODES) {
			if (covers(mode, a) && covers(mode, b)) {
				return mode;
			}
		}
		throw new IllegalStateException("EX covers every mode");
	}

	/** The strongest mode covered by both: what a thread converting between them holds throughout. */
	static DlmMode meet(DlmMode a, DlmMode b) {
		for (int i = MODES.length - 1; i >= 0; i--) {
			if (covers(a, MODES[i]) && covers(b, MODES[i])) {
				return MODES[i];
			}
		}
		throw new IllegalStateException("every mode covers NL");
	}

	/** Modes in which a holder excludes every writer (PW, EX), so it reads a stable value block. */
	static boolean readsStableValue(DlmMode mode) {
		return !mode.isCompatibleWith(DlmMode.PW);
	}

}
