package io.github.dlm.lock;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.micrometer.observation.ObservationRegistry;
import org.jspecify.annotations.Nullable;
import org.springframework.integration.support.locks.ExpirableLockRegistry;
import org.springframework.util.Assert;

import io.github.dlm.core.DlmLockspace;
import io.github.dlm.core.DlmLockspaceCondition;
import io.github.dlm.core.DlmMode;
import io.github.dlm.core.DlmNames;
import io.github.dlm.core.DlmResourceName;
import io.github.dlm.lock.observation.DefaultDlmHoldObservationConvention;
import io.github.dlm.lock.observation.DefaultDlmLockObservationConvention;
import io.github.dlm.lock.observation.DlmHoldObservationConvention;
import io.github.dlm.lock.observation.DlmLockObservation;
import io.github.dlm.lock.observation.DlmLockObservationConvention;

/**
 * A Spring Integration lock registry backed by one DLM {@linkplain DlmLockspace lockspace}.
 * <p>
 * {@link #obtain(Object)} returns a {@link DlmLock} in the registry's default mode
 * ({@link DlmMode#EX} unless configured otherwise); {@link #obtain(Object, DlmMode)} one in
 * any mode, and {@link #readWriteLock(Object)} a PR/EX pair. The same key and mode return
 * the same lock object for as long as it is cached. The cache holds at most
 * {@linkplain #setCacheCapacity(int) a capacity} of objects ({@value #DEFAULT_CACHE_CAPACITY}
 * by default) beyond those in use: above it, the least recently obtained objects that
 * nobody holds or waits for are evicted. {@link #expireUnusedOlderThan(long)} drops unused
 * objects by age. Dropping a cached object never weakens exclusion, since every holding
 * thread has its own DLM lock; what was set on the object itself (its
 * {@linkplain DlmLock#setBlockingListener blocking listener}) stays with that object, so
 * keep a reference to an object you configure.
 * <p>
 * Keys become resource names through a {@link DlmKeyStrategy}: by default the key's text
 * as UTF-8 (a {@code byte[]} as itself, arrays and collections by their elements), 1..64
 * bytes, anything else refused with an {@link IllegalArgumentException}; keys whose text
 * is an identity string ({@code Object.toString()}) are refused too, as equal keys would
 * be different locks.
 * <p>
 * A lock object through which a value block was published keeps an NL lock on its
 * resource so that the value survives while nobody holds the lock (see {@link DlmLock});
 * expiry and {@link #close()} release those.
 * <p>
 * Listeners {@linkplain #addLockInDoubtListener added} to the registry are told when its
 * lockspace falls in doubt on this node (recovery, lost quorum, left) and when it runs
 * again, with the locks held through the registry; the registry polls the lockspace's
 * {@linkplain DlmLockspace#condition() condition} for them on a thread of its own, only
 * while it has listeners.
 * <p>
 * The registry does not own the lockspace: close it (or the
 * {@link DlmLockRegistries} that opened it) when done. Closing the lockspace also
 * releases everything the registry holds in it.
 */
public class DlmLockRegistry implements ExpirableLockRegistry<DlmLock>, AutoCloseable {

	/**
	 * The default {@linkplain #setCacheCapacity(int) cache capacity}: far more keys than an
	 * application holds at once, and a few megabytes of lock objects at most, while a lock
	 * object evicted and created again costs one small allocation (no lock manager call).
	 */
	public static final int DEFAULT_CACHE_CAPACITY = 10_000;

	private final DlmLockspace lockspace;

	private final DlmMode defaultMode;

	private final DlmLockCache locks = new DlmLockCache(DEFAULT_CACHE_CAPACITY);

	private volatile DlmKeyStrategy keyStrategy = DlmKeyStrategy.utf8();

	/** What the registry's lock objects share, value block anchors included. */
	private final LockScope scope;

	/** Watches the lockspace's condition for the lock-in-doubt listeners. */
	private final LockspaceWatch watch;

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
		this.scope = new LockScope(lockspace);
		this.watch = new LockspaceWatch(lockspace, this.scope.holds());
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
	 * Sets how many lock objects the registry caches beyond those in use. When a new key
	 * takes the cache above it, the least recently obtained objects that no thread holds or
	 * waits for (and that keep no value block alive) are evicted, down to 7/8 of the
	 * capacity. A later {@link #obtain} of an evicted key creates a new object. Lowering
	 * the capacity evicts at once.
	 * @param cacheCapacity at least 1, {@value #DEFAULT_CACHE_CAPACITY} by default;
	 * {@link Integer#MAX_VALUE} for no bound
	 * @throws IllegalArgumentException if less than 1
	 */
	public void setCacheCapacity(int cacheCapacity) {
		this.locks.setCapacity(cacheCapacity);
	}

	/**
	 * How many lock objects the registry caches beyond those in use.
	 * @return the capacity
	 * @see #setCacheCapacity(int)
	 */
	public int getCacheCapacity() {
		return this.locks.capacity();
	}

	/**
	 * Sets a listener told whenever a lock of this registry, held by one of this
	 * process's threads, blocks another request.
	 * @param blockingListener the listener, {@code null} for none
	 */
	public void setBlockingListener(@Nullable DlmLockBlockingListener blockingListener) {
		this.scope.setBlockingListener(blockingListener);
	}

	/**
	 * Sets whether a lock object through which a value block is published keeps an NL lock
	 * on its resource, so that the value outlives the moments when nobody holds the lock,
	 * until the object is expired or the registry closed. Without it the lock manager
	 * forgets the value as soon as the last lock on the resource, in the whole cluster, is
	 * released. Affects later publications; anchors already taken stay until expiry or
	 * close.
	 * @param retainValueBlocks {@code true} (the default) to retain published values
	 */
	public void setRetainValueBlocks(boolean retainValueBlocks) {
		this.scope.anchors().setEnabled(retainValueBlocks);
	}

	/**
	 * Whether published value blocks are retained: {@code false} once closed.
	 * @return {@code true} if lock objects take an NL lock when a value is published
	 * @see #setRetainValueBlocks(boolean)
	 */
	public boolean isRetainValueBlocks() {
		return this.scope.anchors().isEnabled();
	}

	/**
	 * Sets whether the registry issues a {@linkplain DlmLock#fencingToken() fencing token}
	 * for each grant of a resource in PW or EX (see {@link FencingTokens} for what they
	 * guarantee). It costs two more round trips to the lock manager per such grant (the
	 * token's companion resource is converted to EX and back to NL) and one NL lock per
	 * resource, kept until it has had no holder for the
	 * {@linkplain #expireUnusedOlderThan(long) expiry age} or the registry is closed. While
	 * on, resource names starting with the byte {@code 0xFF}, which the companions use and
	 * no text key can give, are refused. Affects later grants.
	 * @param fencingTokens {@code true} to issue tokens; {@code false} by default
	 */
	public void setFencingTokens(boolean fencingTokens) {
		this.scope.fencingTokens().setEnabled(fencingTokens);
	}

	/**
	 * Whether the registry issues fencing tokens.
	 * @return {@code true} if grants in PW or EX get a token
	 * @see #setFencingTokens(boolean)
	 */
	public boolean isFencingTokens() {
		return this.scope.fencingTokens().isEnabled();
	}

	/**
	 * Sets the registry that observes the acquisitions and holds of this registry's locks
	 * (see {@link DlmLockObservation}). With the default, {@link ObservationRegistry#NOOP},
	 * nothing is observed and nothing is allocated for it. Affects later acquisitions and
	 * holds.
	 * @param observationRegistry the observation registry
	 */
	public void setObservationRegistry(ObservationRegistry observationRegistry) {
		Assert.notNull(observationRegistry, "ObservationRegistry must not be null");
		this.scope.instrumentation().setObservationRegistry(observationRegistry);
	}

	/**
	 * The registry that observes this registry's locks.
	 * @return the observation registry, {@link ObservationRegistry#NOOP} unless set
	 */
	public ObservationRegistry getObservationRegistry() {
		return this.scope.instrumentation().observationRegistry();
	}

	/**
	 * Sets the convention of the acquisition observations, replacing
	 * {@link DefaultDlmLockObservationConvention}.
	 * @param convention the convention, {@code null} for the default
	 */
	public void setObservationConvention(@Nullable DlmLockObservationConvention convention) {
		this.scope.instrumentation().setLockConvention(convention);
	}

	/**
	 * Sets the convention of the hold observations, replacing
	 * {@link DefaultDlmHoldObservationConvention}.
	 * @param convention the convention, {@code null} for the default
	 */
	public void setHoldObservationConvention(@Nullable DlmHoldObservationConvention convention) {
		this.scope.instrumentation().setHoldConvention(convention);
	}

	/**
	 * Sets the backend name the observations are tagged with; {@link DlmLockRegistries} sets
	 * its client's {@linkplain io.github.dlm.core.DlmClient#backendName() name}.
	 * @param backendName the name, {@code unknown} by default
	 */
	public void setBackendName(String backendName) {
		Assert.hasText(backendName, "Backend name must not be empty");
		this.scope.instrumentation().setBackendName(backendName);
	}

	/**
	 * How many holds acquired through this registry's lock objects are held now, by threads
	 * and asynchronous owners of this process.
	 * @return the count
	 */
	public int getHeldLockCount() {
		return this.scope.holds().size();
	}

	/**
	 * How many requests for a new DLM lock through this registry's lock objects wait for
	 * the lock manager now (conversions of held locks are not counted).
	 * @return the count
	 */
	public long getWaitingRequestCount() {
		return this.scope.instrumentation().waiting();
	}

	/**
	 * How many blocking callbacks the lock manager delivered to this registry's locks: each
	 * tells that a hold of this process blocks another request.
	 * @return the count since the registry was created
	 */
	public long getBlockingCallbackCount() {
		return this.scope.instrumentation().blockingCallbacks();
	}

	/**
	 * Adds a listener told when the lockspace changes state on this node: when the locks
	 * held through this registry fall in doubt (recovery started, quorum lost, lockspace
	 * left) and when they are confirmed again (recovery ended). The first listener starts
	 * a thread ({@code dlm-lockspace-watch-<lockspace>}) that reads the lockspace's
	 * {@linkplain DlmLockspace#condition() condition} every
	 * {@linkplain #setLockspacePollInterval poll interval}, and tells the listeners at once
	 * if the lockspace is in doubt already; removing the last listener, or closing the
	 * registry, stops it.
	 * @param listener the listener
	 * @throws IllegalStateException if the registry is closed
	 */
	public void addLockInDoubtListener(DlmLockInDoubtListener listener) {
		this.watch.addListener(listener);
	}

	/**
	 * Removes a listener added with {@link #addLockInDoubtListener}; nothing if it was not
	 * added.
	 * @param listener the listener
	 */
	public void removeLockInDoubtListener(DlmLockInDoubtListener listener) {
		this.watch.removeListener(listener);
	}

	/**
	 * Sets how often the lockspace's condition is read while listeners listen: a change
	 * is told at most this long after the lock manager shows it. A read is a file read on
	 * the native backend while the lockspace runs (and one short {@code dlm_tool ls}
	 * process while it is stopped).
	 * @param pollInterval positive; 1s by default
	 * @throws IllegalArgumentException if not positive
	 */
	public void setLockspacePollInterval(Duration pollInterval) {
		this.watch.setPollInterval(pollInterval);
	}

	/**
	 * How often the lockspace's condition is read while listeners listen.
	 * @return the interval
	 */
	public Duration getLockspacePollInterval() {
		return this.watch.getPollInterval();
	}

	/**
	 * The lockspace's condition on this node: the last one read for the listeners while
	 * there are any, else read now.
	 * @return the condition
	 */
	public DlmLockspaceCondition getLockspaceCondition() {
		return this.watch.condition();
	}

	/** The watch of the lockspace's condition. */
	LockspaceWatch lockspaceWatch() {
		return this.watch;
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
		return this.scope.blockingListener();
	}

	/**
	 * The lock for a key in the {@linkplain #getDefaultMode() default mode}.
	 * @param key the key, which names the resource (see {@link DlmKeyStrategy})
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
	 * @param key the key, which names the resource (see {@link DlmKeyStrategy})
	 * @param mode the mode the lock is acquired in
	 * @return the lock
	 * @throws IllegalArgumentException if the key is null or does not map to a valid
	 * resource name
	 */
	public DlmLock obtain(Object key, DlmMode mode) {
		Assert.notNull(mode, "Mode must not be null");
		DlmResourceName name = DlmResourceName.of(toResourceName(key));
		DlmLock lock = this.locks.get(name, mode);
		return (lock != null) ? lock : this.locks.add(new DlmLock(this, this.scope, key, name, mode));
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
					+ DlmNames.MAX_RESOURCE_NAME_LENGTH + " bytes of the key's text in UTF-8");
		}
		byte[] name = this.keyStrategy.toResourceName(key);
		if (name.length == 0 || name.length > DlmNames.MAX_RESOURCE_NAME_LENGTH) {
			throw new IllegalArgumentException("Key strategy " + this.keyStrategy + " mapped lock key '"
					+ Utf8KeyStrategy.shown(key.toString()) + "' to " + name.length + " bytes; resource names are 1.."
					+ DlmNames.MAX_RESOURCE_NAME_LENGTH + " bytes");
		}
		if (CompanionNames.isReserved(name) && isFencingTokens()) {
			throw new IllegalArgumentException("Key strategy " + this.keyStrategy + " mapped lock key '"
					+ Utf8KeyStrategy.shown(key.toString()) + "' to a resource name starting with byte 0xFF, which is "
					+ "reserved for the companion resources of fencing tokens");
		}
		return name;
	}

	/**
	 * Drops cached lock objects that no thread holds or waits for and that were last
	 * obtained or used at least {@code age} milliseconds ago, releasing the NL locks they
	 * kept to retain value blocks, and the NL locks on fencing token companions that had no
	 * holder for as long. A later {@link #obtain} creates a new one. An object
	 * dropped earlier that the application kept using and published through again is
	 * treated the same: its NL lock is released once it has been unused for {@code age}.
	 * @param age the age in milliseconds
	 */
	@Override
	public void expireUnusedOlderThan(long age) {
		long now = System.nanoTime();
		long ageNanos = TimeUnit.MILLISECONDS.toNanos(Math.max(0, age));
		this.locks.expireUnusedOlderThan(now, ageNanos);
		this.scope.anchors().releaseIf((lock) -> !this.locks.contains(lock) && lock.isExpirable(now, ageNanos));
		this.scope.fencingTokens().releaseUnused(now, ageNanos);
	}

	/**
	 * Releases what the registry holds by itself: the NL locks that retain published
	 * value blocks, and those on fencing token and run record companions (of resources
	 * still held: when their holds end). From then on, published values are no longer retained. Locks held by
	 * threads stay theirs to release, and the lockspace stays open (the registry does not
	 * own it); the registry can still be used, but its lock-in-doubt listeners are
	 * removed and no more can be added. Idempotent.
	 */
	@Override
	public void close() {
		this.watch.close();
		this.scope.anchors().close();
		this.scope.fencingTokens().close();
		this.scope.runRecords().close();
	}

	/**
	 * The holds acquired through this registry's lock objects and not yet released, by
	 * threads and asynchronous owners of this process, oldest first. Holds of other
	 * processes, and of other registries on the same lockspace, are not seen; holds whose
	 * lock ended when the lockspace was closed are left out.
	 * @return snapshots of the holds, read now
	 */
	public List<DlmHoldInfo> getHolds() {
		return this.scope.holds().snapshot();
	}

	/** The holds acquired through this registry's lock objects now. */
	CurrentHolds currentHolds() {
		return this.scope.holds();
	}

	/**
	 * How many lock objects are cached now.
	 */
	int cacheSize() {
		return this.locks.size();
	}

	@Override
	public String toString() {
		return "DlmLockRegistry for lockspace '" + this.lockspace.name() + "' (default mode " + this.defaultMode + ")";
	}

}
