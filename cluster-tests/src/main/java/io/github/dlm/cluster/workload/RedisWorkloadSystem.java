package io.github.dlm.cluster.workload;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;

import org.jspecify.annotations.Nullable;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.integration.redis.util.RedisLockRegistry;

/**
 * The workload's lock as Spring Integration's {@link RedisLockRegistry} over Lettuce, with
 * the registry's defaults except, optionally, its expiry: lock type
 * {@link RedisLockRegistry.RedisLockType#SPIN_LOCK SPIN_LOCK} (a waiter retries the lock
 * script every 100 ms; the pub-sub type is not the default), no renewal scheduler, Lettuce's
 * default timeouts.
 * <p>
 * A lock is a Redis key set with {@code PEXPIRE} of the expiry: the lease is counted by the
 * Redis server from the moment the lock was taken, and the key vanishes when it runs out, held
 * or not. The holder is not told; its {@code unlock()} finds the key gone (or another
 * client's) and throws.
 */
final class RedisWorkloadSystem extends LeaseWorkloadSystem {

	/** The registry key shared by every client, so that they contend for the same locks. */
	static final String REGISTRY_KEY = "dlm-workload";

	/** {@link RedisLockRegistry}'s default expiry, used when none is given. */
	static final Duration DEFAULT_EXPIRY = Duration.ofSeconds(60);

	private RedisWorkloadSystem(String name, Duration lease, RedisLockRegistry registry,
			Deque<AutoCloseable> resources) {
		super(name, lease, registry, resources);
	}

	/**
	 * Connects to the Redis server and opens a registry.
	 * @param name the system's name
	 * @param servers where Redis listens
	 * @param expireAfter the registry's expiry, or {@code null} for its default (60 s)
	 * @return the system
	 * @throws IllegalStateException naming the server when it cannot be reached
	 */
	static RedisWorkloadSystem open(String name, PeerServers servers, @Nullable Duration expireAfter) {
		Deque<AutoCloseable> resources = new ArrayDeque<>();
		try {
			LettuceConnectionFactory connections = new LettuceConnectionFactory(
					new RedisStandaloneConfiguration(servers.host(), servers.redisPort()));
			connections.afterPropertiesSet();
			connections.start();
			resources.push(connections::destroy);
			// Fail here, naming the server, rather than in the first tryLock.
			connections.getConnection().close();
			RedisLockRegistry registry = (expireAfter != null)
					? new RedisLockRegistry(connections, REGISTRY_KEY, expireAfter)
					: new RedisLockRegistry(connections, REGISTRY_KEY);
			resources.push(registry::destroy);
			return new RedisWorkloadSystem(name, (expireAfter != null) ? expireAfter : DEFAULT_EXPIRY, registry,
					resources);
		}
		catch (RuntimeException ex) {
			closeAfterFailure(resources, ex);
			throw new IllegalStateException("Cannot open " + name + " on Redis at " + servers.host() + ":"
					+ servers.redisPort() + ": " + ex.getMessage(), ex);
		}
	}

}
