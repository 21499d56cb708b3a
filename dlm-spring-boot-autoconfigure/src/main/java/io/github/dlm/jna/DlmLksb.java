package io.github.dlm.jna;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import com.sun.jna.Structure;
import com.sun.jna.Structure.FieldOrder;

/**
 * {@code struct dlm_lksb}, the lock status block libdlm writes a completion into, together
 * with the 32-byte value block buffer its {@code sb_lvbptr} points at.
 * <p>
 * Layout on LP64 Linux: {@code int sb_status} at 0, {@code uint32_t sb_lkid} at 4,
 * {@code char sb_flags} at 8 (7 bytes of padding follow), {@code char *sb_lvbptr} at 16;
 * 24 bytes. The value block is not inline: it is a separate {@value LibDlm#DLM_LVB_LEN}-byte
 * native buffer.
 * <p>
 * <b>Lifetime of the native memory.</b> The kernel keeps the address of the block and
 * libdlm writes to it (and to the value block) from the dispatcher thread whenever a
 * completion or blocking callback for the lock is read, so both buffers are allocated once
 * per lock handle, never move, and stay strongly referenced by that handle until the final
 * completion of the lock has been delivered (unlock, cancel or refusal of a new request) or
 * the lockspace descriptor has been closed and its dispatcher stopped; only then does
 * {@link #free()} release them. Automatic synchronisation is off: JNA never copies Java
 * fields over native memory behind our back (which could overwrite a completion being
 * written concurrently); fields are written explicitly before a request and read
 * explicitly after its completion callback.
 */
@FieldOrder({ "sb_status", "sb_lkid", "sb_flags", "sb_lvbptr" })
public final class DlmLksb extends Structure {

	/** Size of the structure in bytes on LP64. */
	public static final int SIZE = 24;

	/** {@code int sb_status}: the completion status, positive ({@code 0}, {@code EAGAIN}, {@link LibDlm#EUNLOCK} ...). */
	public int sb_status;

	/** {@code uint32_t sb_lkid}: the lock id, set when a new request is accepted. */
	public int sb_lkid;

	/** {@code char sb_flags}: {@code DLM_SBF_*}. */
	public byte sb_flags;

	/** {@code char *sb_lvbptr}: the value block buffer. */
	public Pointer sb_lvbptr;

	private final Memory block;

	private final Memory valueBlock;

	private boolean freed;

	/**
	 * Allocates a zeroed status block and value block buffer, with {@code sb_lvbptr} pointing
	 * at the buffer.
	 */
	public DlmLksb() {
		this(new Memory(SIZE), new Memory(LibDlm.DLM_LVB_LEN));
	}

	private DlmLksb(Memory block, Memory valueBlock) {
		super(block);
		this.block = block;
		this.valueBlock = valueBlock;
		block.clear();
		valueBlock.clear();
		setAutoSynch(false);
		this.sb_lvbptr = valueBlock;
		writeField("sb_lvbptr");
	}

	/**
	 * Offset of a field as JNA lays it out.
	 * @param field the C field name
	 * @return the offset in bytes
	 */
	public int offsetOf(String field) {
		return fieldOffset(field);
	}

	/**
	 * Prepares the block for a request: status and flags cleared, lock id set, value block
	 * pointer restored.
	 * @param lkid the lock id for a conversion, 0 for a new lock
	 */
	void prepare(int lkid) {
		this.sb_status = 0;
		this.sb_lkid = lkid;
		this.sb_flags = 0;
		this.sb_lvbptr = this.valueBlock;
		write();
	}

	/**
	 * Reads {@code sb_status}.
	 * @return the status
	 */
	int readStatus() {
		return (int) readField("sb_status");
	}

	/**
	 * Reads {@code sb_lkid}.
	 * @return the lock id
	 */
	int readLkid() {
		return (int) readField("sb_lkid");
	}

	/**
	 * Reads {@code sb_flags}.
	 * @return the flags, unsigned
	 */
	int readFlags() {
		return ((byte) readField("sb_flags")) & 0xff;
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
	 * Frees both buffers. Only call once libdlm can no longer write to them: after the
	 * final completion of the lock, or after the lockspace was closed and its dispatcher
	 * stopped. Idempotent.
	 */
	void free() {
		if (!this.freed) {
			this.freed = true;
			this.block.close();
			this.valueBlock.close();
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
