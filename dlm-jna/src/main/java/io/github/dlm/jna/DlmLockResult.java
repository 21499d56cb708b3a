package io.github.dlm.jna;

import com.sun.jna.Pointer;
import org.jspecify.annotations.Nullable;

/**
 * One {@code struct dlm_lock_result} of {@code linux/dlm_device.h}: what one {@code read()}
 * of a lockspace descriptor returns for one completion or blocking callback, decoded. The
 * native backend reads these itself ({@link DlmDispatcher}) instead of calling libdlm's
 * {@code dlm_dispatch}, which per completion sets and restores {@code O_NONBLOCK} with two
 * {@code fcntl} calls, copies the record into the lock status block the request named, calls
 * the callback through a function pointer and reads once more to learn that the queue is
 * empty. The kernel never writes user memory itself: the status block address of the request
 * ({@code user_lksb}) only comes back here, so nothing of the request needs to stay
 * allocated while it waits.
 * <p>
 * Layout on LP64 Linux (checked against gcc's {@code offsetof} by {@code LibDlmLayoutTests}):
 * {@code __u32 version[3]} @0, {@code __u32 length} @12, {@code void *user_astaddr} @16,
 * {@code void *user_astparam} @24, {@code struct dlm_lksb *user_lksb} @32, the kernel's
 * {@code struct dlm_lksb lksb} @40 ({@code sb_status} @40, negative as in the kernel,
 * {@code sb_lkid} @44, {@code sb_flags} @48), {@code __u8 bast_mode} @64,
 * {@code __u32 lvb_offset} @68; 72 bytes, followed by the 32-byte value block when the
 * completion carries one ({@code lvb_offset} is then its offset, else 0).
 * @param token the {@code user_astparam} of the request: the lock handle's token
 * ({@link NativeCallbacks})
 * @param blocking whether this is a blocking callback (BAST) rather than a completion
 * @param blockingMode for a blocking callback, the mode requested by the blocked request
 * @param status {@code sb_status} as libdlm reports it: 0, or a positive errno or DLM status
 * @param lkid {@code sb_lkid}
 * @param flags {@code sb_flags}, unsigned
 * @param valueBlock the value block the completion carries, or {@code null}
 */
record DlmLockResult(long token, boolean blocking, int blockingMode, int status, int lkid, int flags,
		byte @Nullable [] valueBlock) {

	/** {@code sizeof(struct dlm_lock_result)}. */
	static final int SIZE = 72;

	/** The bytes one read may return: the result and a value block behind it. */
	static final int MAX_READ = SIZE + LibDlm.DLM_LVB_LEN;

	static final int VERSION = 0;

	static final int LENGTH = 12;

	static final int USER_ASTADDR = 16;

	static final int USER_ASTPARAM = 24;

	static final int USER_LKSB = 32;

	static final int LKSB = 40;

	static final int BAST_MODE = 64;

	static final int LVB_OFFSET = 68;

	/**
	 * Offset of a field, named as in C.
	 * @param field the field ({@code lksb.sb_status} for the status block's fields)
	 * @return the offset in bytes
	 * @throws IllegalArgumentException for an unknown field
	 */
	static int offsetOf(String field) {
		return switch (field) {
			case "version" -> VERSION;
			case "length" -> LENGTH;
			case "user_astaddr" -> USER_ASTADDR;
			case "user_astparam" -> USER_ASTPARAM;
			case "user_lksb" -> USER_LKSB;
			case "lksb" -> LKSB;
			case "lksb.sb_status" -> LKSB + DlmLksb.SB_STATUS;
			case "lksb.sb_lkid" -> LKSB + DlmLksb.SB_LKID;
			case "lksb.sb_flags" -> LKSB + DlmLksb.SB_FLAGS;
			case "bast_mode" -> BAST_MODE;
			case "lvb_offset" -> LVB_OFFSET;
			default -> throw new IllegalArgumentException("struct dlm_lock_result has no field '" + field + "'");
		};
	}

	/**
	 * Decodes what one {@code read()} returned.
	 * @param buffer the buffer read into
	 * @param length the bytes read, at least {@value #SIZE}
	 * @return the result
	 * @throws IllegalStateException if fewer bytes came than a result has
	 */
	static DlmLockResult decode(Pointer buffer, long length) {
		if (length < SIZE) {
			throw new IllegalStateException("A DLM device read returned " + length + " bytes, less than the "
					+ SIZE + " of struct dlm_lock_result");
		}
		int bastMode = buffer.getByte(BAST_MODE) & 0xff;
		int lvbOffset = buffer.getInt(LVB_OFFSET);
		byte[] valueBlock = (lvbOffset >= SIZE && lvbOffset + LibDlm.DLM_LVB_LEN <= length)
				? buffer.getByteArray(lvbOffset, LibDlm.DLM_LVB_LEN) : null;
		// The kernel calls with the BAST function's address for a blocking callback: it is
		// the only record with a mode in bast_mode (a request for NL never blocks anyone).
		return new DlmLockResult(buffer.getLong(USER_ASTPARAM), bastMode != 0, bastMode,
				-buffer.getInt(LKSB + DlmLksb.SB_STATUS), buffer.getInt(LKSB + DlmLksb.SB_LKID),
				buffer.getByte(LKSB + DlmLksb.SB_FLAGS) & 0xff, valueBlock);
	}

}
