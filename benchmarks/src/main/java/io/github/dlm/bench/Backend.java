package io.github.dlm.bench;

import java.util.Locale;

/**
 * The lock services a benchmark can run against, chosen by JMH's {@code backend} parameter.
 */
public enum Backend {

	/** {@code DlmLockRegistry} over the in-JVM engine ({@code LocalDlmClient}). */
	LOCAL,

	/**
	 * {@code DlmLockRegistry} over node-level caching ({@code CachingDlmClient}) over the
	 * in-JVM engine: the same key taken again on one node is answered from the cache.
	 */
	LOCAL_CACHED,

	/** {@code DlmLockRegistry} over libdlm.so.3 and the kernel DLM ({@code NativeDlmClient}). */
	NATIVE,

	/**
	 * {@code DlmLockRegistry} over node-level caching over libdlm (what the auto-configuration
	 * builds by default for {@code dlm.backend=native}).
	 */
	NATIVE_CACHED,

	/** Spring Integration's {@code DefaultLockRegistry}: striped in-JVM locks, the floor. */
	DEFAULT,

	/** Spring Integration's {@code RedisLockRegistry} against a real redis-server. */
	REDIS,

	/** Spring Integration's {@code JdbcLockRegistry} against a real PostgreSQL. */
	JDBC,

	/**
	 * Hazelcast's per-key {@code IMap.lock} on one embedded member (the Community edition's
	 * lock: {@code FencedLock} needs an Enterprise license since 5.5).
	 */
	HAZELCAST,

	/** The JDK's {@code ReentrantReadWriteLock}: the in-JVM floor for shared (read) locking. */
	RWLOCK;

	/**
	 * The backend named by a JMH parameter value.
	 * @param name the value, case-insensitive
	 * @return the backend
	 * @throws IllegalArgumentException naming the accepted values
	 */
	public static Backend of(String name) {
		try {
			return valueOf(name.toUpperCase(Locale.ROOT));
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalArgumentException("Unknown backend '" + name + "': use one of "
					+ java.util.Arrays.toString(values()).toLowerCase(Locale.ROOT), ex);
		}
	}

}
