package io.github.dlm.lock;

import io.github.dlm.core.DlmMode;

/**
 * Which way a conversion moves the lock value block, after the kernel's
 * {@code dlm_lvb_operations} table: from PW or EX it writes the lock's block to the
 * resource (except PW to EX, which reads), up from a weaker mode it reads the resource's
 * block, and down from a mode that does not write it does nothing.
 */
enum ValueBlockTransfer {

	/** The resource's value block is copied into the lock's. */
	READ,

	/** The lock's value block is copied to the resource (with VALBLK), or invalidated (IVVALBLK). */
	WRITE,

	/** Neither. */
	NOTHING;

	static ValueBlockTransfer of(DlmMode from, DlmMode to) {
		if (from == DlmMode.PW) {
			return (to == DlmMode.EX) ? READ : WRITE;
		}
		if (from == DlmMode.EX) {
			return WRITE;
		}
		return (to.ordinal() >= from.ordinal()) ? READ : NOTHING;
	}

}
