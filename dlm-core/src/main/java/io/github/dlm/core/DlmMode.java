package io.github.dlm.core;

/**
 * The six DLM lock modes, in the kernel's order, with the VMS compatibility matrix.
 * <p>
 * The numeric {@linkplain #nativeValue() values} are those of {@code LKM_*MODE} in
 * {@code libdlm.h} and {@code DLM_LOCK_*} in {@code linux/dlmconstants.h}.
 */
public enum DlmMode {

	/** Null: no access, holds a place in the queue and keeps the value block alive. */
	NL(0),

	/** Concurrent read: read access, others may write. */
	CR(1),

	/** Concurrent write: write access, others may write. */
	CW(2),

	/** Protected read: shared read, nobody writes. */
	PR(3),

	/** Protected write: one writer, others may only read concurrently (CR). */
	PW(4),

	/** Exclusive: nobody else but NL. */
	EX(5);

	// COMPATIBLE[granted][requested], kernel fs/dlm/lock.c __dlm_compat_matrix without IV/padding
	private static final boolean[][] COMPATIBLE = {
			/*          NL     CR     CW     PR     PW     EX  */
			/* NL */ { true, true, true, true, true, true },
			/* CR */ { true, true, true, true, true, false },
			/* CW */ { true, true, true, false, false, false },
			/* PR */ { true, true, false, true, false, false },
			/* PW */ { true, true, false, false, false, false },
			/* EX */ { true, false, false, false, false, false } };

	private static final DlmMode[] VALUES = values();

	private final int nativeValue;

	DlmMode(int nativeValue) {
		this.nativeValue = nativeValue;
	}

	/**
	 * The value libdlm and the kernel use for this mode.
	 * @return 0 (NL) to 5 (EX)
	 */
	public int nativeValue() {
		return this.nativeValue;
	}

	/**
	 * Whether a lock held in this mode lets another lock be granted in {@code other}.
	 * The matrix is symmetric.
	 * @param other the other mode
	 * @return {@code true} if both can be granted on one resource at the same time
	 */
	public boolean isCompatibleWith(DlmMode other) {
		return COMPATIBLE[ordinal()][other.ordinal()];
	}

	/**
	 * Whether a conversion or unlock from this mode writes the lock value block to the
	 * resource (PW and EX); from every other mode the value block is only read.
	 * @return {@code true} for PW and EX
	 */
	public boolean writesValueBlock() {
		return this == PW || this == EX;
	}

	/**
	 * Whether a holder in this mode has at least the access a holder in {@code other} has:
	 * every mode compatible with this one is compatible with {@code other}. EX covers every
	 * mode, every mode covers NL and itself; CW and PR do not cover each other.
	 * @param other the other mode
	 * @return {@code true} if this mode is at least as strong as {@code other}
	 */
	public boolean covers(DlmMode other) {
		for (DlmMode mode : VALUES) {
			if (isCompatibleWith(mode) && !other.isCompatibleWith(mode)) {
				return false;
			}
		}
		return true;
	}

	/**
	 * The weakest mode that covers both this mode and {@code other}: the mode a holder of
	 * both needs, for example PW for CW and PR.
	 * @param other the other mode
	 * @return the least mode covering both
	 * @see #covers(DlmMode)
	 */
	public DlmMode leastCovering(DlmMode other) {
		for (DlmMode mode : VALUES) {
			if (mode.covers(this) && mode.covers(other)) {
				return mode;
			}
		}
		return EX;
	}

	/**
	 * The mode with the given native value.
	 * @param nativeValue 0 to 5
	 * @return the mode
	 * @throws IllegalArgumentException if the value is not a mode
	 */
	public static DlmMode fromNative(int nativeValue) {
		for (DlmMode mode : values()) {
			if (mode.nativeValue == nativeValue) {
				return mode;
			}
		}
		throw new IllegalArgumentException("No DLM lock mode has the value " + nativeValue
				+ "; valid modes are NL(0), CR(1), CW(2), PR(3), PW(4) and EX(5)");
	}

}
