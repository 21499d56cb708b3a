package io.github.dlm.lock;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.github.dlm.core.DlmLockHandle;

/**
 * The holds acquired through the lock objects of one registry and not yet released, found
 * by their DLM lock so that a blocking callback reaches the hold it concerns. A hold is
 * added when granted and removed when it ends; the lock operations themselves never read
 * it. Thread-safe.
 */
final class CurrentHolds {

	private static final Comparator<HeldLock> OLDEST_FIRST = Comparator.comparingLong(HeldLock::startNanos);

	private final Map<DlmLockHandle, HeldLock> holds = new ConcurrentHashMap<>();

	void started(HeldLock hold) {
		this.holds.put(hold.handle, hold);
	}

	void ended(HeldLock hold) {
		this.holds.remove(hold.handle, hold);
	}

	/**
	 * Counts a blocking callback on a DLM lock. One that arrives before its hold was added
	 * (between the grant and the hold's start) or after it ended is not counted.
	 * @param handle the DLM lock the callback is for
	 */
	void blockingCallback(DlmLockHandle handle) {
		HeldLock hold = this.holds.get(handle);
		if (hold != null) {
			hold.blockingCallback();
		}
	}

	/**
	 * How many holds there are now, including any whose DLM lock ended when the lockspace
	 * was closed and whose owner has not released them yet.
	 */
	int size() {
		return this.holds.size();
	}

	/**
	 * The holds now, oldest first, leaving out those whose DLM lock ended when the
	 * lockspace was closed (the close released them).
	 */
	List<HeldLock> list() {
		List<HeldLock> list = new ArrayList<>(this.holds.size());
		for (HeldLock hold : this.holds.values()) {
			if (!hold.handle.isEnded()) {
				list.add(hold);
			}
		}
		list.sort(OLDEST_FIRST);
		return list;
	}

	/**
	 * Snapshots of the holds now, oldest first.
	 */
	List<DlmHoldInfo> snapshot() {
		long now = System.nanoTime();
		return list().stream().map((hold) -> hold.info(now)).toList();
	}

}
