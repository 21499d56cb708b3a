package io.github.dlm.jna;

import com.sun.jna.Pointer;

/**
 * {@code struct dlm_write_request} of {@code linux/dlm_device.h} filled in as a
 * {@code DLM_USER_UNLOCK} command, the request {@link NativeLockHandle} writes to the
 * lockspace descriptor itself instead of calling {@code dlm_ls_unlock}.
 * <p>
 * <b>Why not libdlm.</b> {@code dlm_ls_unlock} leaves the request's 32-byte {@code lvb}
 * field uninitialised, and the kernel copies that field into the lock's value block and
 * writes it to the resource when the lock is held in PW or EX and was last requested with
 * {@code LKF_VALBLK}. Publishing a value safely through libdlm therefore takes a
 * down-conversion with {@code LKF_VALBLK} before the unlock: three kernel round trips per
 * acquire and release instead of two. This request carries the lock's own value block, so
 * one unlock both publishes it and ends the lock. Everything the kernel answers arrives as
 * for libdlm's own unlock (the kernel keeps the lock's completion function and calls it
 * with {@code castparam} through {@code dlm_dispatch}), so the dispatcher is unchanged.
 * <p>
 * Layout on LP64 Linux (checked against gcc's {@code offsetof} by
 * {@code LibDlmLayoutTests}): a 16-byte header ({@code __u32 version[3]}, {@code __u8 cmd},
 * {@code __u8 is64bit}, two unused bytes) and {@code struct dlm_lock_params} at 16:
 * {@code mode} u8 @0, {@code namelen} u8 @1, {@code flags} u32 @4, {@code lkid} u32 @8,
 * {@code parent} u32 @12, {@code xid} u64 @16, {@code timeout} u64 @24, then the user
 * pointers {@code castparam} @32, {@code castaddr} @40, {@code bastparam} @48,
 * {@code bastaddr} @56, {@code lksb} @64, and {@code lvb[32]} @72; 120 bytes, no name for an
 * unlock. As libdlm does, {@code castaddr} is left 0 (an unlock keeps the lock's completion
 * function) and {@code version} is the device protocol libdlm speaks,
 * {@value LibDlm#DLM_DEVICE_VERSION_MAJOR}.{@value LibDlm#DLM_DEVICE_VERSION_MINOR}.{@value LibDlm#DLM_DEVICE_VERSION_PATCH}.
 */
final class DlmUnlockRequest {

	/** {@code sizeof(struct dlm_write_request)}: the bytes written for an unlock. */
	static final int SIZE = 120;

	static final int VERSION = 0;

	static final int CMD = 12;

	static final int IS64BIT = 13;

	/** Offset of {@code i.lock}, the {@code struct dlm_lock_params}. */
	static final int LOCK = 16;

	static final int MODE = LOCK;

	static final int NAMELEN = LOCK + 1;

	static final int FLAGS = LOCK + 4;

	static final int LKID = LOCK + 8;

	static final int PARENT = LOCK + 12;

	static final int XID = LOCK + 16;

	static final int TIMEOUT = LOCK + 24;

	static final int CASTPARAM = LOCK + 32;

	static final int CASTADDR = LOCK + 40;

	static final int BASTPARAM = LOCK + 48;

	static final int BASTADDR = LOCK + 56;

	static final int LKSB = LOCK + 64;

	static final int LVB = LOCK + 72;

	private DlmUnlockRequest() {
	}

	/**
	 * Offset of a field, named as in C ({@code i.lock.*} for the lock parameters).
	 * @param field the field
	 * @return the offset in bytes
	 * @throws IllegalArgumentException for an unknown field
	 */
	static int offsetOf(String field) {
		return switch (field) {
			case "version" -> VERSION;
			case "cmd" -> CMD;
			case "is64bit" -> IS64BIT;
			case "i.lock.mode" -> MODE;
			case "i.lock.namelen" -> NAMELEN;
			case "i.lock.flags" -> FLAGS;
			case "i.lock.lkid" -> LKID;
			case "i.lock.parent" -> PARENT;
			case "i.lock.xid" -> XID;
			case "i.lock.timeout" -> TIMEOUT;
			case "i.lock.castparam" -> CASTPARAM;
			case "i.lock.castaddr" -> CASTADDR;
			case "i.lock.bastparam" -> BASTPARAM;
			case "i.lock.bastaddr" -> BASTADDR;
			case "i.lock.lksb" -> LKSB;
			case "i.lock.lvb" -> LVB;
			default -> throw new IllegalArgumentException("struct dlm_write_request has no field '" + field + "'");
		};
	}

	/**
	 * Fills {@code buffer} with an unlock request. Every byte is written, so the buffer may
	 * be reused.
	 * @param buffer at least {@value #SIZE} bytes
	 * @param lkid the lock id
	 * @param lksb the lock status block the completion is copied into
	 * @param castparam the completion callback's argument (never {@code null}: 0 would keep
	 * the lock's)
	 * @param valueBlock the {@value LibDlm#DLM_LVB_LEN} bytes the kernel publishes if the
	 * lock is held in PW or EX and was last requested with {@code LKF_VALBLK}
	 */
	static void fill(Pointer buffer, int lkid, Pointer lksb, Pointer castparam, byte[] valueBlock) {
		buffer.clear(SIZE);
		buffer.setInt(VERSION, LibDlm.DLM_DEVICE_VERSION_MAJOR);
		buffer.setInt(VERSION + 4, LibDlm.DLM_DEVICE_VERSION_MINOR);
		buffer.setInt(VERSION + 8, LibDlm.DLM_DEVICE_VERSION_PATCH);
		buffer.setByte(CMD, (byte) LibDlm.DLM_USER_UNLOCK);
		buffer.setByte(IS64BIT, (byte) 1);
		buffer.setInt(LKID, lkid);
		buffer.setPointer(CASTPARAM, castparam);
		buffer.setPointer(LKSB, lksb);
		buffer.write(LVB, valueBlock, 0, LibDlm.DLM_LVB_LEN);
	}

}
