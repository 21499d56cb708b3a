package io.github.dlm.local;

import java.util.ArrayList;
import java.util.List;

import io.github.dlm.core.DlmResourceName;
import org.jspecify.annotations.Nullable;

/**
 * One lockable resource with its three queues and its value block, the analogue of the
 * kernel's {@code struct dlm_rsb}. Guarded by the owning {@link LockEngine}'s lock. It lives
 * as long as a lock is attached to it; with the last lock it goes away, value block and
 * all, as the kernel frees an unused rsb's value block.
 */
final class Resource {

	final DlmResourceName name;

	/** Locks granted, including conversions granted in place. */
	final List<LockBlock> grantQueue = new ArrayList<>();

	/** Conversions waiting, in grant order. */
	final List<LockBlock> convertQueue = new ArrayList<>();

	/** New requests waiting, in grant order. */
	final List<LockBlock> waitQueue = new ArrayList<>();

	/** The value block, {@code null} until first written (readers then get zeros). */
	byte @Nullable [] valueBlock;

	/** The value block was invalidated and not written since. */
	boolean valueBlockInvalid;

	/** Locks attached to this resource, on a queue or not, plus its pins. */
	int lockCount;

	/** Holds on the resource by the engine's gate ({@link GatedEngine#pin}), counted in {@link #lockCount}. */
	int pins;

	/** The gate of the engine, {@code null} for the plain engine. */
	final @Nullable LockGate gate;

	Resource(DlmResourceName name, @Nullable LockGate gate) {
		this.name = name;
		this.gate = gate;
	}

	List<LockBlock> queue(LocalLockInfo.Queue queue) {
		return switch (queue) {
			case GRANTED -> this.grantQueue;
			case CONVERTING -> this.convertQueue;
			case WAITING -> this.waitQueue;
		};
	}

	void remove(LockBlock lock) {
		if (lock.queue != null) {
			queue(lock.queue).remove(lock);
			lock.queue = null;
		}
	}

	/**
	 * Puts a lock on a queue. Granted locks go to the head: the kernel's ordered insert
	 * compares with the requested mode of granted locks, which is always "none", so in
	 * effect each new grant goes first.
	 */
	void add(LockBlock lock, LocalLockInfo.Queue queue, boolean head) {
		remove(lock);
		List<LockBlock> list = queue(queue);
		if (head || queue == LocalLockInfo.Queue.GRANTED) {
			list.add(0, lock);
		}
		else {
			list.add(lock);
		}
		lock.queue = queue;
	}

}
