package io.github.dlm.local;

import java.util.List;

import io.github.dlm.core.DlmFlag;
import io.github.dlm.core.DlmStatusFlag;

/**
 * Whether a request or conversion can be granted, after the kernel's
 * {@code _can_be_granted}, {@code can_be_granted} and {@code conversion_deadlock_detect}
 * (VMS rules: "VAXcluster Principles", chapter 6).
 */
final class GrantRules {

	/** What {@link #canBeGranted} decided. */
	enum Outcome {

		/** Grant it (in {@code requestedMode}, which may now be the alternate mode). */
		GRANT,

		/** It has to wait (its granted mode may have been demoted to NL by CONVDEADLK). */
		WAIT,

		/** A conversion deadlock without CONVDEADLK: refuse the conversion with EDEADLK. */
		DEADLOCK

	}

	private GrantRules() {
	}

	/**
	 * Decides a request or conversion, demoting for CONVDEADLK and trying ALTPR/ALTCW.
	 * @param now {@code true} when the request is being made, {@code false} when it is
	 * already queued
	 */
	static Outcome canBeGranted(Resource resource, LockBlock lock, boolean now) {
		if (canBeGrantedInMode(resource, lock, now)) {
			return Outcome.GRANT;
		}
		if (lock.isConversion() && !lock.has(DlmFlag.NOQUEUE) && conversionDeadlock(resource, lock)) {
			if (lock.has(DlmFlag.CONVDEADLK)) {
				lock.grantedMode = Modes.NL;
				lock.statusFlags.add(DlmStatusFlag.DEMOTED);
				return Outcome.WAIT;
			}
			return Outcome.DEADLOCK;
		}
		int requested = lock.requestedMode;
		int alternate = Modes.IV;
		if (requested != Modes.PR && lock.has(DlmFlag.ALTPR)) {
			alternate = Modes.PR;
		}
		else if (requested != Modes.CW && lock.has(DlmFlag.ALTCW)) {
			alternate = Modes.CW;
		}
		if (alternate != Modes.IV) {
			lock.requestedMode = alternate;
			if (canBeGrantedInMode(resource, lock, now)) {
				lock.statusFlags.add(DlmStatusFlag.ALTMODE);
				return Outcome.GRANT;
			}
			lock.requestedMode = requested;
		}
		return Outcome.WAIT;
	}

	/**
	 * Whether the lock can be granted in its requested mode without ALT modes or demotion.
	 */
	static boolean canBeGrantedInMode(Resource resource, LockBlock lock, boolean now) {
		lock.gated = false;
		return grantableAmongLocks(resource, lock, now) && admittedByGate(resource, lock);
	}

	private static boolean grantableAmongLocks(Resource resource, LockBlock lock, boolean now) {
		boolean conversion = lock.isConversion();
		if (lock.has(DlmFlag.EXPEDITE)) {
			return true;
		}
		if (conflicts(resource.grantQueue, lock) || conflicts(resource.convertQueue, lock)) {
			return false;
		}
		if (now && conversion) {
			// a conversion is granted in place unless QUECVT makes it queue behind others
			return !lock.has(DlmFlag.QUECVT) || resource.convertQueue.isEmpty();
		}
		if (lock.has(DlmFlag.NOORDER)) {
			return true;
		}
		if (conversion) {
			return isFirst(lock, resource.convertQueue);
		}
		if (!resource.convertQueue.isEmpty()) {
			return false;
		}
		return now ? resource.waitQueue.isEmpty() : isFirst(lock, resource.waitQueue);
	}

	/**
	 * Asks the engine's {@link LockGate}, if it has one, whether a lock the queues would
	 * grant may be granted now, and marks the lock {@linkplain LockBlock#gated gated} if it
	 * has to wait for the gate.
	 */
	private static boolean admittedByGate(Resource resource, LockBlock lock) {
		LockGate gate = resource.gate;
		if (gate == null) {
			return true;
		}
		LockGate.Decision decision = gate.admit(lock.handle, resource.name, Modes.toMode(lock.requestedMode),
				lock.flags);
		lock.gated = (decision == LockGate.Decision.WAIT);
		return decision == LockGate.Decision.ADMIT;
	}

	/**
	 * A conversion deadlock: the lock's granted mode blocks a conversion queued ahead of
	 * it, or both block each other. Detected as soon as it arises, as the kernel does.
	 */
	static boolean conversionDeadlock(Resource resource, LockBlock lock) {
		boolean lockSeen = false;
		for (LockBlock other : resource.convertQueue) {
			if (other == lock) {
				lockSeen = true;
				continue;
			}
			boolean lockBlocksOther = !Modes.compatible(lock.grantedMode, other.requestedMode);
			if (!lockSeen) {
				if (lockBlocksOther) {
					return true;
				}
			}
			else if (lockBlocksOther && !Modes.compatible(other.grantedMode, lock.requestedMode)) {
				return true;
			}
		}
		return false;
	}

	private static boolean conflicts(List<LockBlock> queue, LockBlock lock) {
		for (LockBlock other : queue) {
			if (other != lock && !Modes.compatible(other.grantedMode, lock.requestedMode)) {
				return true;
			}
		}
		return false;
	}

	private static boolean isFirst(LockBlock lock, List<LockBlock> queue) {
		return !queue.isEmpty() && queue.get(0) == lock;
	}

}
