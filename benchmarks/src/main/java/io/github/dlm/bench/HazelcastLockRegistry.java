package io.github.dlm.bench;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.Lock;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import org.springframework.integration.support.locks.LockRegistry;

/**
 * Hazelcast's per-key locks behind Spring Integration's {@link LockRegistry}, so the
 * benchmarks drive every lock service through one interface.
 * <p>
 * Hazelcast 5.5 (the version Spring Boot 4.1 manages) made the CP subsystem, and with it
 * {@code FencedLock}, an Enterprise feature: in the Community edition
 * {@code getCPSubsystem().getLock(..)} throws "CP subsystem is a licensed feature". The lock
 * a Community user has is {@link IMap#lock(Object)}: a reentrant, thread-owned pessimistic
 * lock on a map key (the successor of the removed {@code ILock}), which is what this adapter
 * uses, one map entry per key.
 */
final class HazelcastLockRegistry implements LockRegistry<Lock> {

	private final IMap<Object, Object> locks;

	private final Map<Object, Lock> cache = new ConcurrentHashMap<>();

	HazelcastLockRegistry(HazelcastInstance hazelcast) {
		this.locks = hazelcast.getMap("dlm-bench-locks");
	}

	@Override
	public Lock obtain(Object key) {
		return this.cache.computeIfAbsent(key, MapKeyLock::new);
	}

	private final class MapKeyLock implements Lock {

		private final Object key;

		MapKeyLock(Object key) {
			this.key = key;
		}

		@Override
		public void lock() {
			HazelcastLockRegistry.this.locks.lock(this.key);
		}

		@Override
		public void lockInterruptibly() throws InterruptedException {
			if (Thread.interrupted()) {
				throw new InterruptedException();
			}
			// IMap.lock(key) does not respond to interrupts; a long tryLock does.
			while (!HazelcastLockRegistry.this.locks.tryLock(this.key, 1, TimeUnit.DAYS)) {
				// keep waiting
			}
		}

		@Override
		public boolean tryLock() {
			return HazelcastLockRegistry.this.locks.tryLock(this.key);
		}

		@Override
		public boolean tryLock(long time, TimeUnit unit) throws InterruptedException {
			return HazelcastLockRegistry.this.locks.tryLock(this.key, time, unit);
		}

		@Override
		public void unlock() {
			HazelcastLockRegistry.this.locks.unlock(this.key);
		}

		@Override
		public Condition newCondition() {
			throw new UnsupportedOperationException("Hazelcast map locks have no conditions");
		}

	}

}
