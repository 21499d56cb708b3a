package io.github.dlm.lock;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * How one {@link DlmLock} object is used: the acquisitions through it in progress or held,
 * the holds acquired through it and not yet released, and when it was last used. An object
 * in use is not dropped from its registry's cache.
 */
final class LockUsage {

	/** Holds acquired through the object and not yet released, threads' and asynchronous. */
	private final AtomicInteger holders = new AtomicInteger();

	/** Acquisitions through the object in progress or held. */
	private final AtomicInteger users = new AtomicInteger();

	private volatile long lastUsedNanos = System.nanoTime();

	/** An acquisition began: the object is in use until it ends or its hold is released. */
	void acquisitionStarted() {
		this.users.incrementAndGet();
		this.lastUsedNanos = System.nanoTime();
	}

	/** An acquisition ended without a hold. */
	void acquisitionEnded() {
		this.users.decrementAndGet();
		this.lastUsedNanos = System.nanoTime();
	}

	/** An acquisition led to a hold. */
	void holdStarted() {
		this.holders.incrementAndGet();
	}

	/** A hold was released: its acquisition ended. */
	void holdEnded() {
		this.holders.decrementAndGet();
		acquisitionEnded();
	}

	/**
	 * Whether a hold acquired through the object is held.
	 */
	boolean isHeld() {
		return this.holders.get() > 0;
	}

	/**
	 * Whether nothing uses the object and its last use was at least {@code ageNanos} ago.
	 */
	boolean isUnusedFor(long nowNanos, long ageNanos) {
		return this.users.get() == 0 && nowNanos - this.lastUsedNanos >= ageNanos;
	}

}
