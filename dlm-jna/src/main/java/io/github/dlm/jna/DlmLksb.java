package io.github.dlm.jna;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import org.jspecify.annotations.Nullable;

import io.github.dlm.core.DlmStatus;
import io.github.dlm.core.Errno;

/**
 * {@code struct dlm_lksb}, the lock status block libdlm writes a completion into, together
 * with the 32-byte value block buffer its {@code sb_lvbptr} points at and the buffer of the
 * lock's unlock request ({@link DlmUnlockRequest}).
 * <p>
 * Layout on LP64 Linux: {@code int sb_status} at 0, {@code uint32_t sb_lkid} at 4,
 * {@code char sb_flags} at 8 (7 bytes of padding follow), {@code char *sb_lvbptr} at 16;
 * 24 bytes. The value block is not inline: it is a separate {@value LibDlm#DLM_LVB_LEN}-byte
 * buffer, here placed right behind the status block in the same allocation, followed by the
 * {@value DlmUnlockRequest#SIZE}-byte unlock request (read by the kernel during the
 * {@code write()} only, so it is simply refilled for every unlock). The offsets
 * are constants checked against the C header by {@code LibDlmLayoutTests}; the fields are
 * read and written with plain memory accesses (this is on every lock request and
 * completion, so no JNA {@code Structure} reflection).
 * <p>
 * <b>Lifetime of the native memory.</b> libdlm reads and writes the block only inside a
 * {@code dlm_ls_lock} or {@code dlm_ls_unlock} call, and the kernel only stores its address
 * to hand it back in the completion's {@link DlmLockResult}, which {@link DlmDispatcher}
 * reads itself (libdlm's {@code dlm_dispatch}, which would copy completions into the block,
 * is not used). So a block is lent by the lockspace's {@link DlmRequestBuffers} for one
 * call, and serves as the buffer of one completion read too ({@value #ALLOCATION} bytes
 * hold a {@link DlmLockResult#MAX_READ}-byte result).
 */
final class DlmLksb {

	/** Size of the structure in bytes on LP64. */
	static final int SIZE = 24;

	static final int SB_STATUS = 0;

	static final int SB_LKID = 4;

	static final int SB_FLAGS = 8;

	static final int SB_LVBPTR = 16;

	/** The native bytes of one block: status block, value block buffer and unlock request. */
	static final int ALLOCATION = SIZE + LibDlm.DLM_LVB_LEN + DlmUnlockRequest.SIZE;

	private final Memory block;

	private final Pointer valueBlock;

	private final Pointer unlockRequest;

	private boolean freed;

	/**
	 * Allocates a zeroed status block and value block buffer, with {@code sb_lvbptr} pointing
	 * at the buffer.
	 * @throws IllegalStateException on a JVM whose pointers are not 8 bytes
	 */
	DlmLksb() {
		if (Native.POINTER_SIZE != 8) {
			throw new IllegalStateException("The native DLM backend needs a 64-bit (LP64) JVM: struct dlm_lksb is "
					+ "laid out for 8-byte pointers but this JVM's are " + Native.POINTER_SIZE + " bytes");
		}
		this.block = new Memory(ALLOCATION);
		this.block.clear();
		this.valueBlock = this.block.share(SIZE, LibDlm.DLM_LVB_LEN);
		this.unlockRequest = this.block.share(SIZE + LibDlm.DLM_LVB_LEN, DlmUnlockRequest.SIZE);
		this.block.setPointer(SB_LVBPTR, this.valueBlock);
	}

	/**
	 * The size of {@code struct dlm_lksb}.
	 * @return {@value #SIZE}
	 */
	int size() {
		return SIZE;
	}

	/**
	 * Offset of a field of {@code struct dlm_lksb}.
	 * @param field the C field name
	 * @return the offset in bytes
	 * @throws IllegalArgumentException for an unknown field
	 */
	int offsetOf(String field) {
		return switch (field) {
			case "sb_status" -> SB_STATUS;
			case "sb_lkid" -> SB_LKID;
			case "sb_flags" -> SB_FLAGS;
			case "sb_lvbptr" -> SB_LVBPTR;
			default -> throw new IllegalArgumentException("struct dlm_lksb has no field '" + field
					+ "'; use sb_status, sb_lkid, sb_flags or sb_lvbptr");
		};
	}

	/**
	 * Prepares the block for a request: status and flags cleared, lock id set, value block
	 * pointer restored.
	 * @param lkid the lock id for a conversion, 0 for a new lock
	 */
	void prepare(int lkid) {
		this.block.setInt(SB_STATUS, 0);
		this.block.setInt(SB_LKID, lkid);
		this.block.setByte(SB_FLAGS, (byte) 0);
		this.block.setPointer(SB_LVBPTR, this.valueBlock);
	}

	/**
	 * Prepares an unlock of the lock: {@code sb_status} set to {@code EINPROG} (as libdlm
	 * does before sending a request) and the unlock request filled in.
	 * @param lkid the lock id
	 * @param castparam the completion callback's argument
	 * @param valueBlock the value block the unlock publishes if the lock writes one
	 * @return the request, {@value DlmUnlockRequest#SIZE} bytes to write to the lockspace descriptor
	 */
	Pointer prepareUnlock(int lkid, Pointer castparam, byte[] valueBlock) {
		this.block.setInt(SB_STATUS, LibDlm.EINPROG);
		DlmUnlockRequest.fill(this.unlockRequest, lkid, this.block, castparam, valueBlock);
		return this.unlockRequest;
	}

	/**
	 * The outcome an {@code sb_status} value reports.
	 * @param sbStatus the value
	 * @return the status, or {@code null} for a value that is none of them (an error, or
	 * {@link LibDlm#EINPROG} when no result was written)
	 */
	static @Nullable DlmStatus statusOf(int sbStatus) {
		return switch (sbStatus) {
			case 0 -> DlmStatus.GRANTED;
			case Errno.EAGAIN -> DlmStatus.NOT_GRANTED;
			case Errno.EDEADLK -> DlmStatus.DEADLOCK;
			case LibDlm.ECANCEL -> DlmStatus.CANCELLED;
			case LibDlm.EUNLOCK -> DlmStatus.UNLOCKED;
			default -> null;
		};
	}

	/**
	 * Reads {@code sb_status}.
	 * @return the status
	 */
	int readStatus() {
		return this.block.getInt(SB_STATUS);
	}

	/**
	 * Reads {@code sb_lkid}.
	 * @return the lock id
	 */
	int readLkid() {
		return this.block.getInt(SB_LKID);
	}

	/**
	 * Reads {@code sb_flags}.
	 * @return the flags, unsigned
	 */
	int readFlags() {
		return this.block.getByte(SB_FLAGS) & 0xff;
	}

	/**
	 * Copies the value block buffer.
	 * @return 32 bytes
	 */
	byte[] readValueBlock() {
		return this.valueBlock.getByteArray(0, LibDlm.DLM_LVB_LEN);
	}

	/**
	 * Replaces the contents of the value block buffer.
	 * @param bytes 32 bytes
	 */
	void writeValueBlock(byte[] bytes) {
		this.valueBlock.write(0, bytes, 0, LibDlm.DLM_LVB_LEN);
	}

	/**
	 * The status block's address, as passed to libdlm.
	 * @return the pointer
	 */
	Pointer address() {
		return this.block;
	}

	/**
	 * Frees the buffer. Only call once libdlm can no longer write to it: after the final
	 * completion of the lock, or after the lockspace was closed and its dispatcher stopped.
	 * Idempotent.
	 */
	void free() {
		if (!this.freed) {
			this.freed = true;
			this.block.close();
		}
	}

	/**
	 * Whether {@link #free()} was called.
	 * @return {@code true} once freed
	 */
	boolean isFreed() {
		return this.freed;
	}

}
