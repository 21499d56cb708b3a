package io.github.dlm.lock;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;
import org.springframework.integration.support.locks.ExpirableLockRegistry;
import org.springframework.util.Assert;

import io.github.dlm.core.DlmLockspace;
import io.github.dlm.core.DlmMode;
import io.github.dlm.core.DlmNames;

/**
 * A Spring Integration lock registry backed by one DLM {@linkplain DlmLockspace lockspace}.
 * <p>
 * {@link #obtain(Object)} returns a {@link DlmLock} in the registry's default mode
 * ({@link DlmMode#EX} unless configured otherwise); {@link #obtain(Object, DlmMode)} one in
 * any mode, and {@link #readWriteLock(Object)} a PR/EX pair. The same key and mode return
 * the same lock object for as long as it is cached; {@link #expireUnusedOlderThan(long)}
 * drops objects that nobody holds or waits for. Dropping a cached object never weakens
 * exclusion, since every holding thread has its own DLM lock.
 * <p>
 * Keys become resource names through a {@link DlmKeyStrategy}: by default
 * {@code key.toString()} as UTF-8, 1..64 bytes, anything else refused with an
 * {@link IllegalArgumentException}.
 * <p>
 * The registry does not own the lockspace: close it (or the
 * {@link DlmLockRegistries} that opened it) when done.
 */
public class DlmLockRegistry implements ExpirableLockRegistry<DlmLock> {

	private final DlmLockspace lockspace;

	private final DlmMode defaultMode;

	private final Map<LockKey, DlmLock> locks = new ConcurrentHashMap<>();

	private volatile DlmKeyStrategy keyStrategy = DlmKeyStrategy.utf8();

	private volatile @Nullable DlmLockBlockingListener blockingListener;

	/**
	 * Creates a registry whose {@link #obtain(Object)} gives exclusive (EX) locks.
	 * @param lockspace the lockspace the locks live in
	 */
	public DlmLockRegistry(DlmLockspace lockspace) {
		this(lockspace, DlmMode.EX);
	}

	/**
	 * Creates a registry.
	 * @param lockspace the lockspace the locks live in
	 * @param defaultMode the mode of locks returned by {@link #obtain(Object)}
	 */
	public DlmLockRegistry(DlmLockspace lockspace, DlmMode defaultMode) {
		Assert.notNull(lockspace, "Lockspace must not be null");
		Assert.notNull(defaultMode, "Default mode must not be null");
		this.lockspace = lockspace;
		this.defaultMode = defaultMode;
	}

	/**
	 * Sets how keys become resource names.
	 * @param keyStrategy the strategy, by default {@link DlmKeyStrategy#utf8()}
	 */
	public void setKeyStrategy(DlmKeyStrategy keyStrategy) {
		Assert.notNull(keyStrategy, "Key strategy must not be null");
		this.keyStrategy = keyStrategy;
	}

	/**
	 * Sets a listener told whenever a lock of this registry, held by one of this
	 * process's threads, blocks another request.
	 * @param blockingListener the listener, {@code null} for none
	 */
	public void setBlockingListener(@Nullable DlmLockBlockingListener blockingListener) {
		this.blockingListener = blockingListener;
	}

	/**
	 * The lockspace of this registry.
	 * @return the lockspace
	 */
	public DlmLockspace getLockspace() {
		return this.lockspace;
	}

	/**
	 * The mode of locks returned by {@link #obtain(Object)}.
	 * @return the default mode
	 */
	public DlmMode getDefaultMode() {
		return this.defaultMode;
	}

	/**
	 * The registry-wide blocking listener.
	 * @return the listener, or {@code null}
	 */
	public @Nullable DlmLockBlockingListener getBlockingListener() {
		return this.blockingListener;
	}

	/**
	 * The lock for a key in the {@linkplain #getDefaultMode() default mode}.
	 * @param key the key; its {@code toString()} names the resource
	 * @return the lock
	 * @throws IllegalArgumentException if the key is null or does not map to a valid
	 * resource name
	 */
	@Override
	public DlmLock obtain(Object key) {
		return obtain(key, this.defaultMode);
	}

	/**
	 * The lock for a key in a given mode.
	 * @param key the key; its {@code toString()} names the resource
	 * @param mode the mode the lock is acquired in
	 * @return the lock
	 * @throws IllegalArgumentException if the key is null or does not map to a valid
	 * resource name
	 */
	public DlmLock obtain(Object key, DlmMode mode) {
		Assert.notNull(mode, "Mode must not be null");
		byte[] name = toResourceName(key);
		String nameKey = new String(name, StandardCharsets.ISO_8859_1);
		DlmLock lock = this.locks.computeIfAbsent(new LockKey(nameKey, mode),
				(lockKey) -> new DlmLock(this, key, name, nameKey, mode));
		lock.touch();
		return lock;
	}

	/**
	 * A read/write view of a key: PR for reading, EX for writing.
	 * @param key the key
	 * @return the read/write lock
	 * @throws IllegalArgumentException if the key is null or does not map to a valid
	 * resource name
	 */
	public DlmReadWriteLock readWriteLock(Object key) {
		return new DlmReadWriteLock(obtain(key, DlmMode.PR), obtain(key, DlmMode.EX));
	}

	/**
	 * The resource name a key maps to.
	 * @param key the key
	 * @return the name bytes
	 * @throws IllegalArgumentException if the key is null or does not map to a valid
	 * resource name
	 */
	public byte[] toResourceName(@Nullable Object key) {
		if (key == null) {
			throw new IllegalArgumentException("Lock key must not be null; DLM resource names are 1.."
					+ DlmNames.MAX_RESOURCE_NAME_LENGTH + " bytes of the key's toString() in UTF-8");
		}
		byte[] name = this.keyStrategy.toResourceName(key);
		if (name.length == 0 || name.length > DlmNames.MAX_RESOURCE_NAME_LENGTH) {
			throw new IllegalArgumentException("Key strategy " + this.keyStrategy + " mapped lock key '"
					+ Utf8KeyStrategy.shown(key.toString()) + "' to " + name.length + " bytes; resource names are 1.."
					+ DlmNames.MAX_RESOURCE_NAME_LENGTH + " bytes");
		}
		return name;
	}

	/**
	 * Drops cached lock objects that no thread holds or waits for and that were last used
	 * at least {@code age} milliseconds ago. A later {@link #obtain} creates a new one.
	 * @param age the age in milliseconds
	 */
	@Override
	public void expireUnusedOlderThan(long age) {
		long now = System.nanoTime();
		long ageNanos = TimeUnit.MILLISECONDS.toNanos(Math.max(0, age));
		for (LockKey lockKey : this.locks.keySet()) {
			this.locks.computeIfPresent(lockKey, (k, lock) -> lock.isExpirable(now, ageNanos) ? null : lock);
		}
	}

	/**
	 * Refuses a waiting acquisition by a thread that already holds the same resource in
	 * another mode through this registry: its second DLM lock would wait for its first
	 * one forever.
	 */
	void checkNotHeldInOtherMode(DlmLock lock) {
		for (DlmMode mode : DlmMode.values()) {
			if (mode == lock.mode()) {
				continue;
			}
			DlmLock other = this.locks.get(new LockKey(lock.nameKey(), mode));
			if (other != null && other != lock && other.isHeldByCurrentThread()) {
				throw new IllegalStateException("Thread '" + Thread.currentThread().getName() + "' already holds "
						+ other + " and now waits for " + lock + ": a second DLM lock of one thread on one resource "
						+ "would wait for the first one forever. Convert the held lock (DlmLock.convert) or "
						+ "release it first");
			}
		}
	}

	@Override
	public String toString() {
		return "DlmLockRegistry for lockspace '" + this.lockspace.name() + "' (default mode " + this.defaultMode + ")";
	}

	private record LockKey(String name, DlmMode mode) {
	}

}
