package io.github.dlm.lock;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

import org.jspecify.annotations.Nullable;
import org.springframework.util.Assert;

import io.github.dlm.core.DlmMode;
import io.github.dlm.core.DlmResourceName;

/**
 * The lock objects of one {@link DlmLockRegistry}, by resource name and mode, bounded by a
 * capacity.
 * <p>
 * When adding an object takes the cache above its capacity, the least recently obtained
 * objects that are unused (no thread holds or waits for them, and they keep no value block
 * alive) are evicted until the cache is down to 7/8 of its capacity, so the cost of a sweep
 * (a pass over the cache and a sort of the unused objects) is spread over the next
 * capacity/8 new keys and lookups stay a hash map read. Objects in use are never evicted,
 * so the cache exceeds its capacity while more than that are in use; the next sweep then
 * waits until it grew by another eighth.
 */
final class DlmLockCache {

	private final Map<Key, Entry> entries = new ConcurrentHashMap<>();

	private final ReentrantLock eviction = new ReentrantLock();

	private volatile int capacity;

	/** Size above which adding an object sweeps. */
	private volatile int sweepAbove;

	DlmLockCache(int capacity) {
		setCapacity(capacity);
	}

	void setCapacity(int capacity) {
		Assert.isTrue(capacity > 0, () -> "Lock object cache capacity must be at least 1, got " + capacity
				+ "; use Integer.MAX_VALUE for an unbounded cache");
		this.capacity = capacity;
		this.sweepAbove = capacity;
		if (this.entries.size() > capacity) {
			evictLeastRecentlyUsed();
		}
	}

	int capacity() {
		return this.capacity;
	}

	int size() {
		return this.entries.size();
	}

	/**
	 * The cached object for a name and mode, marked as just obtained.
	 * @return the object, or {@code null} if none is cached
	 */
	@Nullable DlmLock get(DlmResourceName name, DlmMode mode) {
		Entry entry = this.entries.get(new Key(name, mode));
		if (entry == null) {
			return null;
		}
		entry.obtained();
		return entry.lock;
	}

	/**
	 * Caches a new object unless another thread cached one for the same name and mode
	 * first, evicting unused objects if that took the cache above its capacity.
	 * @return the cached object: {@code lock} or the one that was first
	 */
	DlmLock add(DlmLock lock) {
		Entry entry = new Entry(lock);
		Entry first = this.entries.putIfAbsent(new Key(lock.resourceName(), lock.mode()), entry);
		if (first != null) {
			first.obtained();
			return first.lock;
		}
		if (this.entries.size() > this.sweepAbove) {
			evictLeastRecentlyUsed();
		}
		return lock;
	}

	/**
	 * Whether this object is the one cached for its name and mode.
	 */
	boolean contains(DlmLock lock) {
		Entry entry = this.entries.get(new Key(lock.resourceName(), lock.mode()));
		return entry != null && entry.lock == lock;
	}

	/**
	 * Drops the objects that are unused and were neither obtained nor used for
	 * {@code ageNanos}.
	 */
	void expireUnusedOlderThan(long nowNanos, long ageNanos) {
		for (Key key : this.entries.keySet()) {
			this.entries.computeIfPresent(key, (k, entry) -> entry.isExpirable(nowNanos, ageNanos) ? null : entry);
		}
	}

	private void evictLeastRecentlyUsed() {
		if (!this.eviction.tryLock()) {
			return; // another thread sweeps
		}
		try {
			int capacity = this.capacity;
			int excess = this.entries.size() - (capacity - capacity / 8);
			if (excess > 0) {
				evict(excess);
			}
			int remaining = this.entries.size();
			this.sweepAbove = (remaining <= capacity) ? capacity : remaining + Math.max(1, remaining / 8);
		}
		finally {
			this.eviction.unlock();
		}
	}

	private void evict(int count) {
		long now = System.nanoTime();
		List<Candidate> candidates = new ArrayList<>();
		for (Map.Entry<Key, Entry> cached : this.entries.entrySet()) {
			Entry entry = cached.getValue();
			if (entry.isEvictable(now)) {
				candidates.add(new Candidate(cached.getKey(), entry, entry.lastObtainedNanos));
			}
		}
		candidates.sort(Comparator.comparingLong(Candidate::lastObtainedNanos));
		int evicted = 0;
		for (int i = 0; i < candidates.size() && evicted < count; i++) {
			Candidate candidate = candidates.get(i);
			boolean[] removed = new boolean[1];
			// still the same object, not obtained since, and still unused
			this.entries.computeIfPresent(candidate.key(), (key, entry) -> {
				removed[0] = entry == candidate.entry() && entry.lastObtainedNanos == candidate.lastObtainedNanos()
						&& entry.isEvictable(now);
				return removed[0] ? null : entry;
			});
			if (removed[0]) {
				evicted++;
			}
		}
	}

	private record Key(DlmResourceName name, DlmMode mode) {
	}

	private record Candidate(Key key, Entry entry, long lastObtainedNanos) {
	}

	/**
	 * A cached object and when it was last obtained.
	 */
	private static final class Entry {

		final DlmLock lock;

		volatile long lastObtainedNanos = System.nanoTime();

		Entry(DlmLock lock) {
			this.lock = lock;
		}

		void obtained() {
			this.lastObtainedNanos = System.nanoTime();
		}

		boolean isEvictable(long nowNanos) {
			return this.lock.isExpirable(nowNanos, 0) && !this.lock.isRetainingValueBlock();
		}

		boolean isExpirable(long nowNanos, long ageNanos) {
			return nowNanos - this.lastObtainedNanos >= ageNanos && this.lock.isExpirable(nowNanos, ageNanos);
		}

	}

}
