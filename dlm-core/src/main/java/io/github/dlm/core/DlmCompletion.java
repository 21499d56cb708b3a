package io.github.dlm.core;

import java.util.Set;

import org.jspecify.annotations.Nullable;

/**
 * The outcome of one request, conversion, unlock or cancel: what the completion callback
 * (AST) delivered.
 *
 * @param status how the operation ended
 * @param grantedMode the mode the lock holds after this completion, {@code null} when it
 * holds none (never granted, cancelled while new, refused while new, or unlocked)
 * @param flags the status block flags
 * @param valueBlock a copy of the 32-byte lock value block as read by this operation, or
 * {@code null} when the operation did not read it (no {@link DlmFlag#VALBLK}, a
 * write-type conversion, or a failed request)
 */
public record DlmCompletion(DlmStatus status, @Nullable DlmMode grantedMode, Set<DlmStatusFlag> flags,
		@Nullable byte[] valueBlock) {

	/** Length of a lock value block ({@code DLM_LVB_LEN}). */
	public static final int VALUE_BLOCK_LENGTH = 32;

	public DlmCompletion {
		flags = Set.copyOf(flags);
		valueBlock = (valueBlock != null) ? valueBlock.clone() : null;
	}

	/**
	 * Whether the request or conversion was granted.
	 * @return {@code true} for {@link DlmStatus#GRANTED}
	 */
	public boolean isGranted() {
		return this.status == DlmStatus.GRANTED;
	}

	/**
	 * Whether the value block read is marked invalid.
	 * @return {@code true} if {@link DlmStatusFlag#VALNOTVALID} is set
	 */
	public boolean isValueBlockInvalid() {
		return this.flags.contains(DlmStatusFlag.VALNOTVALID);
	}

	@Override
	public byte[] valueBlock() {
		return (this.valueBlock != null) ? this.valueBlock.clone() : null;
	}

}
