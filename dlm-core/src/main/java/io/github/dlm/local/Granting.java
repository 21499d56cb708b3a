package io.github.dlm.local;

import java.util.ArrayList;
import java.util.List;

import io.github.dlm.core.DlmFlag;
import io.github.dlm.core.DlmStatus;

/**
 * Grants locks and sends blocking callbacks: the kernel's {@code grant_lock},
 * {@code grant_pending_locks} (conversions first, then waiters) and the blocking-callback
 * rules of {@code send_bast_queue} and {@code lock_requires_bast}.
 */
final class Granting {

	private Granting() {
	}

	/** Grants the lock its requested mode, moving the value block as the modes say. */
	static void grant(Resource resource, LockBlock lock) {
		ValueBlockRules.onGrant(resource, lock);
		if (lock.grantedMode != lock.requestedMode || lock.queue != LocalLockInfo.Queue.GRANTED) {
			lock.grantedMode = lock.requestedMode;
			resource.add(lock, LocalLockInfo.Queue.GRANTED, false);
		}
		lock.requestedMode = Modes.IV;
		lock.highestBast = Modes.NL;
		lock.gated = false;
	}

	/** Grants the lock and queues its completion. */
	static void grantAndComplete(Resource resource, LockBlock lock) {
		grant(resource, lock);
		Callbacks.queueCompletion(lock, DlmStatus.GRANTED);
	}

	/**
	 * After a change on the resource: grants what can be granted, conversions first, then
	 * tells the holders that block what is still waiting.
	 */
	static void grantPending(Resource resource) {
		if (resource.convertQueue.isEmpty() && resource.waitQueue.isEmpty()) {
			// nothing to grant and nobody blocked: the common case of an uncontended unlock
			return;
		}
		boolean[] blockedCw = new boolean[1];
		int high = grantPendingConversions(resource, Modes.IV, blockedCw);
		high = grantPendingWaiters(resource, high, blockedCw);
		if (high == Modes.IV) {
			return;
		}
		for (LockBlock granted : new ArrayList<>(resource.grantQueue)) {
			if (requiresBlocking(granted, high, blockedCw[0])) {
				boolean prAgainstCw = blockedCw[0] && high == Modes.PR && granted.grantedMode == Modes.PR;
				Callbacks.queueBlocking(granted, prAgainstCw ? Modes.CW : high);
				granted.highestBast = high;
			}
		}
	}

	/**
	 * Grants the queued conversions that can be, in queue order, restarting after each
	 * grant or demotion.
	 * @return the highest mode still wanted by a blocked conversion, or {@code high}
	 */
	static int grantPendingConversions(Resource resource, int high, boolean[] blockedCw) {
		boolean quit = false;
		while (true) {
			boolean grantRestart = false;
			boolean demoteRestart = false;
			int highest = Modes.IV;
			for (LockBlock lock : new ArrayList<>(resource.convertQueue)) {
				boolean demoted = lock.isDemoted();
				GrantRules.Outcome outcome = GrantRules.canBeGranted(resource, lock, false);
				if (outcome == GrantRules.Outcome.GRANT) {
					grantAndComplete(resource, lock);
					grantRestart = true;
					continue;
				}
				if (!demoted && lock.isDemoted()) {
					demoteRestart = true;
					continue;
				}
				if (outcome == GrantRules.Outcome.DEADLOCK) {
					// NODLCKWT asks to be told, with a blocking callback on itself
					if (lock.has(DlmFlag.NODLCKWT) && lock.highestBast < lock.requestedMode) {
						Callbacks.queueBlocking(lock, lock.requestedMode);
						lock.highestBast = lock.requestedMode;
					}
					continue;
				}
				highest = Math.max(highest, lock.requestedMode);
				if (lock.requestedMode == Modes.CW) {
					blockedCw[0] = true;
				}
			}
			if (grantRestart) {
				continue;
			}
			if (demoteRestart && !quit) {
				quit = true;
				continue;
			}
			return Math.max(high, highest);
		}
	}

	private static int grantPendingWaiters(Resource resource, int high, boolean[] blockedCw) {
		int highest = high;
		for (LockBlock lock : new ArrayList<>(resource.waitQueue)) {
			if (GrantRules.canBeGranted(resource, lock, false) == GrantRules.Outcome.GRANT) {
				grantAndComplete(resource, lock);
			}
			else {
				highest = Math.max(highest, lock.requestedMode);
				if (lock.requestedMode == Modes.CW) {
					blockedCw[0] = true;
				}
			}
		}
		return highest;
	}

	/**
	 * Sends blocking callbacks for a request that has to wait (or, with NOQUEUEBAST, that
	 * failed) to the granted locks in {@code queue} whose modes block it.
	 */
	static void sendBlocking(List<LockBlock> queue, LockBlock request) {
		for (LockBlock holder : new ArrayList<>(queue)) {
			if (holder != request && requiresBlocking(holder, request.requestedMode)) {
				Callbacks.queueBlocking(holder, request.requestedMode);
				holder.highestBast = request.requestedMode;
			}
		}
	}

	private static boolean requiresBlocking(LockBlock holder, int requested) {
		if ((holder.grantedMode == Modes.PR && requested == Modes.CW)
				|| (holder.grantedMode == Modes.CW && requested == Modes.PR)) {
			return holder.highestBast < Modes.EX;
		}
		return holder.highestBast < requested && !Modes.compatible(holder.grantedMode, requested);
	}

	private static boolean requiresBlocking(LockBlock holder, int high, boolean blockedCw) {
		if (holder.grantedMode == Modes.PR && blockedCw) {
			return holder.highestBast < Modes.EX;
		}
		return holder.highestBast < high && !Modes.compatible(holder.grantedMode, high);
	}

}
