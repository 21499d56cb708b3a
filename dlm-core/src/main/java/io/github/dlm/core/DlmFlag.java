package io.github.dlm.core;

import java.util.Set;

/**
 * Request flags a caller may give to {@link DlmLockHandle#request}. Values are those of
 * {@code LKF_*} in {@code libdlm.h}.
 * <p>
 * Flags that a backend sets itself are not here: {@code CONVERT} (every request on a
 * lock that already exists is a conversion), {@code CANCEL} ({@link DlmLockHandle#cancel()}),
 * {@code WAIT}, {@code TIMEOUT} (removed from the kernel; timed waits cancel instead),
 * {@code PERSISTENT}/{@code ORPHAN} (orphaned locks outlive the JVM, which a starter must
 * not do behind its user's back) and {@code FORCEUNLOCK}.
 */
public enum DlmFlag {

	/** Fail with {@link DlmStatus#NOT_GRANTED} instead of waiting when the request cannot be granted at once. */
	NOQUEUE(0x1),

	/** The request uses the lock value block: read on grant, written on conversion down from PW/EX. */
	VALBLK(0x8),

	/** A conversion that cannot be granted at once joins the back of the convert queue; other waiters ahead of it still win. */
	QUECVT(0x10),

	/** With a write-type request, mark the resource value block invalid instead of writing it. */
	IVVALBLK(0x20),

	/** On conversion deadlock, demote this lock's granted mode to NL instead of failing with EDEADLK. */
	CONVDEADLK(0x40),

	/** Exclude this request from deadlock detection while it waits. */
	NODLCKWT(0x100),

	/** Do not block others' requests while this one waits (deadlock detection hint). */
	NODLCKBLK(0x200),

	/** Grant a request for NL at once, even past waiting requests. */
	EXPEDITE(0x400),

	/** Send no blocking callbacks to holders when this NOQUEUE request fails. */
	NOQUEUEBAST(0x800),

	/** Put a new request at the head of the wait queue instead of its tail. */
	HEADQUE(0x1000),

	/** Grant compatible requests as soon as possible, ignoring queue order. */
	NOORDER(0x2000),

	/** When the requested mode cannot be granted, grant PR instead if PR can be (the completion then carries {@link DlmStatusFlag#ALTMODE}). */
	ALTPR(0x8000),

	/** When the requested mode cannot be granted, grant CW instead if CW can be (the completion then carries {@link DlmStatusFlag#ALTMODE}). */
	ALTCW(0x10000);

	private final int bits;

	DlmFlag(int bits) {
		this.bits = bits;
	}

	/**
	 * The {@code LKF_*} value of this flag.
	 * @return the bit
	 */
	public int bits() {
		return this.bits;
	}

	/**
	 * The bitwise OR of the given flags.
	 * @param flags the flags, possibly empty
	 * @return their {@code LKF_*} bits
	 */
	public static int toBits(Set<DlmFlag> flags) {
		int bits = 0;
		for (DlmFlag flag : flags) {
			bits |= flag.bits;
		}
		return bits;
	}

}
