package io.github.dlm.bench;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.cp.lock.FencedLock;
import org.springframework.integration.support.locks.LockRegistry;

/**
 * Hazelcast's {@link FencedLock}s behind Spring Integration's {@link LockRegistry}, so the
 * benchmarks drive every lock service through one interface. Proxies are cached, as
 * Hazelcast asks (fetching one commits to the CP metadata group when CP is enabled).
 */
final class HazelcastLockRegistry implements LockRegistry<FencedLock> {

	private final HazelcastInstance hazelcast;

	private final Map<Object, FencedLock> locks = new ConcurrentHashMap<>();

	HazelcastLockRegistry(HazelcastInstance hazelcast) {
		this.hazelcast = hazelcast;
	}

	@Override
	public FencedLock obtain(Object key) {
		return this.locks.computeIfAbsent(key, (k) -> this.hazelcast.getCPSubsystem().getLock(k.toString()));
	}

}
