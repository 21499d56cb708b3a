package io.github.dlm.core;

import java.util.EnumSet;
import java.util.Set;

/**
 * Flags the lock manager returns with a completion ({@code sb_flags}, {@code DLM_SBF_*}).
 */
public enum DlmStatusFlag {

	/** The granted mode was demoted to NL to break a conversion deadlock ({@link DlmFlag#CONVDEADLK}). */
	DEMOTED(0x01),

	/** The value block read is not valid: it was invalidated, or lost in recovery. */
	VALNOTVALID(0x02),

	/** The lock was granted in the alternate mode ({@link DlmFlag#ALTPR} / {@link DlmFlag#ALTCW}). */
	ALTMODE(0x04);

	private final int bits;

	DlmStatusFlag(int bits) {
		this.bits = bits;
	}

	/**
	 * The {@code DLM_SBF_*} bit of this flag.
	 * @return the bit
	 */
	public int bits() {
		return this.bits;
	}

	/**
	 * Decodes {@code sb_flags}.
	 * @param bits the status block flags
	 * @return the flags set, possibly empty
	 */
	public static Set<DlmStatusFlag> fromBits(int bits) {
		Set<DlmStatusFlag> flags = EnumSet.noneOf(DlmStatusFlag.class);
		for (DlmStatusFlag flag : values()) {
			if ((bits & flag.bits) != 0) {
				flags.add(flag);
			}
		}
		return flags;
	}

}
