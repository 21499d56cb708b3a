package io.github.dlm.lock;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import io.micrometer.observation.ObservationRegistry;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.util.Assert;

import io.github.dlm.core.DlmClient;
import io.github.dlm.core.DlmClosing;
import io.github.dlm.core.DlmLockspace;
import io.github.dlm.core.DlmMode;
import io.github.dlm.core.DlmNames;
import io.github.dlm.core.LockspaceOptions;
import io.github.dlm.lock.observation.DlmHoldObservationConvention;
import io.github.dlm.lock.observation.DlmLockObservationConvention;

/**
 * The {@link DlmLockRegistry registries} of an application, one per lockspace: the default
 * lockspace and any other opened on first use. Thread-safe.
 * <p>
 * Closing it closes every registry and lockspace it opened (releasing the locks held in
 * them, including those that retained value blocks); the
 * {@link DlmClient} itself is left open for its owner to close.
 */
public class DlmLockRegistries implements DisposableBean, AutoCloseable {

	private final DlmClient client;

	private final String defaultLockspace;

	private final LockspaceOptions options;

	private final DlmMode defaultMode;

	private final Map<String, DlmLockRegistry> registries = new ConcurrentHashMap<>();

	private final Object monitor = new Object();

	private volatile boolean closed;

	private volatile DlmKeyStrategy keyStrategy = DlmKeyStrategy.utf8();

	private volatile @Nullable DlmLockBlockingListener blockingListener;

	private volatile boolean retainValueBlocks = true;

	private volatile boolean fencingTokens;

	private volatile int cacheCapacity = DlmLockRegistry.DEFAULT_CACHE_CAPACITY;

	private final List<DlmLockInDoubtListener> lockInDoubtListeners = new CopyOnWriteArrayList<>();

	private volatile Duration lockspacePollInterval = LockspaceWatch.DEFAULT_POLL_INTERVAL;

	private volatile ObservationRegistry observationRegistry = ObservationRegistry.NOOP;

	private volatile @Nullable DlmLockObservationConvention observationConvention;

	private volatile @Nullable DlmHoldObservationConvention holdObservationConvention;

	/**
	 * Creates the registries; no lockspace is opened until first asked for.
	 * @param client the DLM backend
	 * @param defaultLockspace the name of the lockspace {@link #registry()} uses
	 * @param options how lockspaces are opened and closed
	 * @param defaultMode the mode of locks from {@link DlmLockRegistry#obtain(Object)}
	 * @throws IllegalArgumentException if the lockspace name is invalid
	 */
	public DlmLockRegistries(DlmClient client, String defaultLockspace, LockspaceOptions options,
			DlmMode defaultMode) {
		Assert.notNull(client, "DlmClient must not be null");
		Assert.notNull(options, "LockspaceOptions must not be null");
		Assert.notNull(defaultMode, "Default mode must not be null");
		this.client = client;
		this.defaultLockspace = DlmNames.checkLockspaceName(defaultLockspace);
		this.options = options;
		this.defaultMode = defaultMode;
	}

	/**
	 * Sets how keys become resource names, for every registry (existing and future).
	 * @param keyStrategy the strategy, by default {@link DlmKeyStrategy#utf8()}
	 */
	public void setKeyStrategy(DlmKeyStrategy keyStrategy) {
		Assert.notNull(keyStrategy, "Key strategy must not be null");
		synchronized (this.monitor) {
			this.keyStrategy = keyStrategy;
			this.registries.values().forEach((registry) -> registry.setKeyStrategy(keyStrategy));
		}
	}

	/**
	 * Sets the blocking listener of every registry (existing and future).
	 * @param blockingListener the listener, {@code null} for none
	 */
	public void setBlockingListener(@Nullable DlmLockBlockingListener blockingListener) {
		synchronized (this.monitor) {
			this.blockingListener = blockingListener;
			this.registries.values().forEach((registry) -> registry.setBlockingListener(blockingListener));
		}
	}

	/**
	 * Sets whether published value blocks are retained, for every registry (existing and
	 * future).
	 * @param retainValueBlocks {@code true} (the default) to retain them
	 * @see DlmLockRegistry#setRetainValueBlocks(boolean)
	 */
	public void setRetainValueBlocks(boolean retainValueBlocks) {
		synchronized (this.monitor) {
			this.retainValueBlocks = retainValueBlocks;
			this.registries.values().forEach((registry) -> registry.setRetainValueBlocks(retainValueBlocks));
		}
	}

	/**
	 * Sets whether every registry (existing and future) issues fencing tokens.
	 * @param fencingTokens {@code true} to issue them; {@code false} by default
	 * @see DlmLockRegistry#setFencingTokens(boolean)
	 */
	public void setFencingTokens(boolean fencingTokens) {
		synchronized (this.monitor) {
			this.fencingTokens = fencingTokens;
			this.registries.values().forEach((registry) -> registry.setFencingTokens(fencingTokens));
		}
	}

	/**
	 * Sets how many lock objects each registry (existing and future) caches beyond those in
	 * use.
	 * @param cacheCapacity at least 1
	 * @throws IllegalArgumentException if less than 1
	 * @see DlmLockRegistry#setCacheCapacity(int)
	 */
	public void setCacheCapacity(int cacheCapacity) {
		Assert.isTrue(cacheCapacity > 0, () -> "Lock object cache capacity must be at least 1, got " + cacheCapacity);
		synchronized (this.monitor) {
			this.cacheCapacity = cacheCapacity;
			this.registries.values().forEach((registry) -> registry.setCacheCapacity(cacheCapacity));
		}
	}

	/**
	 * Adds a lock-in-doubt listener to every registry (existing and future).
	 * @param listener the listener
	 * @see DlmLockRegistry#addLockInDoubtListener(DlmLockInDoubtListener)
	 */
	public void addLockInDoubtListener(DlmLockInDoubtListener listener) {
		Assert.notNull(listener, "Listener must not be null");
		synchronized (this.monitor) {
			this.lockInDoubtListeners.add(listener);
			this.registries.values().forEach((registry) -> registry.addLockInDoubtListener(listener));
		}
	}

	/**
	 * Removes a lock-in-doubt listener from every registry.
	 * @param listener the listener
	 * @see DlmLockRegistry#removeLockInDoubtListener(DlmLockInDoubtListener)
	 */
	public void removeLockInDoubtListener(DlmLockInDoubtListener listener) {
		synchronized (this.monitor) {
			this.lockInDoubtListeners.remove(listener);
			this.registries.values().forEach((registry) -> registry.removeLockInDoubtListener(listener));
		}
	}

	/**
	 * Sets how often every registry (existing and future) reads its lockspace's condition
	 * while it has lock-in-doubt listeners.
	 * @param pollInterval positive
	 * @throws IllegalArgumentException if not positive
	 * @see DlmLockRegistry#setLockspacePollInterval(Duration)
	 */
	public void setLockspacePollInterval(Duration pollInterval) {
		Assert.isTrue(pollInterval != null && !pollInterval.isNegative() && !pollInterval.isZero(),
				() -> "The lockspace poll interval must be positive, such as 1s; got " + pollInterval);
		synchronized (this.monitor) {
			this.lockspacePollInterval = pollInterval;
			this.registries.values().forEach((registry) -> registry.setLockspacePollInterval(pollInterval));
		}
	}

	/**
	 * Sets the registry that observes acquisitions and holds, for every registry (existing
	 * and future).
	 * @param observationRegistry the observation registry, {@link ObservationRegistry#NOOP}
	 * by default
	 * @see DlmLockRegistry#setObservationRegistry(ObservationRegistry)
	 */
	public void setObservationRegistry(ObservationRegistry observationRegistry) {
		Assert.notNull(observationRegistry, "ObservationRegistry must not be null");
		synchronized (this.monitor) {
			this.observationRegistry = observationRegistry;
			this.registries.values().forEach((registry) -> registry.setObservationRegistry(observationRegistry));
		}
	}

	/**
	 * Sets the convention of the acquisition observations of every registry (existing and
	 * future).
	 * @param convention the convention, {@code null} for the default
	 * @see DlmLockRegistry#setObservationConvention(DlmLockObservationConvention)
	 */
	public void setObservationConvention(@Nullable DlmLockObservationConvention convention) {
		synchronized (this.monitor) {
			this.observationConvention = convention;
			this.registries.values().forEach((registry) -> registry.setObservationConvention(convention));
		}
	}

	/**
	 * Sets the convention of the hold observations of every registry (existing and future).
	 * @param convention the convention, {@code null} for the default
	 * @see DlmLockRegistry#setHoldObservationConvention(DlmHoldObservationConvention)
	 */
	public void setHoldObservationConvention(@Nullable DlmHoldObservationConvention convention) {
		synchronized (this.monitor) {
			this.holdObservationConvention = convention;
			this.registries.values().forEach((registry) -> registry.setHoldObservationConvention(convention));
		}
	}

	/**
	 * Drops the unused lock objects of every registry opened here.
	 * @param age the age in milliseconds
	 * @see DlmLockRegistry#expireUnusedOlderThan(long)
	 */
	public void expireUnusedOlderThan(long age) {
		for (DlmLockRegistry registry : this.registries.values()) {
			registry.expireUnusedOlderThan(age);
		}
	}

	/**
	 * The name of the default lockspace.
	 * @return the name
	 */
	public String getDefaultLockspace() {
		return this.defaultLockspace;
	}

	/**
	 * The mode of locks from {@link DlmLockRegistry#obtain(Object)}.
	 * @return the default mode
	 */
	public DlmMode getDefaultMode() {
		return this.defaultMode;
	}

	/**
	 * The backend.
	 * @return the client
	 */
	public DlmClient getClient() {
		return this.client;
	}

	/**
	 * The registries opened so far, by lockspace name; opens nothing.
	 * @return an unmodifiable snapshot sorted by name, empty once closed
	 */
	public SortedMap<String, DlmLockRegistry> getOpenRegistries() {
		return Collections.unmodifiableSortedMap(new TreeMap<>(this.registries));
	}

	/**
	 * The holds acquired through the registries opened here and not yet released, by
	 * lockspace name then oldest first; opens nothing.
	 * @return snapshots of the holds, read now
	 * @see DlmLockRegistry#getHolds()
	 */
	public List<DlmHoldInfo> getHolds() {
		return getOpenRegistries().values().stream().flatMap((registry) -> registry.getHolds().stream()).toList();
	}

	/**
	 * The registry of the default lockspace, opening it on first use.
	 * @return the registry
	 * @throws io.github.dlm.core.DlmException if the lockspace cannot be opened
	 * @throws IllegalStateException if closed
	 */
	public DlmLockRegistry registry() {
		return registry(this.defaultLockspace);
	}

	/**
	 * The registry of a lockspace, opening it on first use.
	 * @param lockspace the lockspace name
	 * @return the registry
	 * @throws IllegalArgumentException if the name is invalid
	 * @throws io.github.dlm.core.DlmException if the lockspace cannot be opened
	 * @throws IllegalStateException if closed
	 */
	public DlmLockRegistry registry(String lockspace) {
		DlmLockRegistry registry = this.registries.get(lockspace);
		if (registry != null && !this.closed) {
			return registry;
		}
		synchronized (this.monitor) {
			Assert.state(!this.closed, () -> "DlmLockRegistries is closed; cannot open lockspace '" + lockspace + "'");
			registry = this.registries.get(lockspace);
			if (registry == null) {
				DlmLockspace opened = this.client.openLockspace(DlmNames.checkLockspaceName(lockspace), this.options);
				registry = new DlmLockRegistry(opened, this.defaultMode);
				registry.setKeyStrategy(this.keyStrategy);
				registry.setBlockingListener(this.blockingListener);
				registry.setRetainValueBlocks(this.retainValueBlocks);
				registry.setCacheCapacity(this.cacheCapacity);
				registry.setFencingTokens(this.fencingTokens);
				registry.setLockspacePollInterval(this.lockspacePollInterval);
				registry.setBackendName(this.client.backendName());
				registry.setObservationRegistry(this.observationRegistry);
				registry.setObservationConvention(this.observationConvention);
				registry.setHoldObservationConvention(this.holdObservationConvention);
				this.lockInDoubtListeners.forEach(registry::addLockInDoubtListener);
				this.registries.put(lockspace, registry);
			}
			return registry;
		}
	}

	/**
	 * Releases a lockspace on this node, an operator action: the registry of the lockspace,
	 * if opened here, is closed and forgotten (its holds end; a later {@link #registry(String)}
	 * opens the lockspace again, while a reference to the old registry stays unusable), else
	 * the lockspace is opened without creating it; then the handle is
	 * {@linkplain DlmLockspace#release(boolean) released}. With {@code force}, <b>every other
	 * user of the lockspace on this node loses its locks</b>.
	 * @param lockspace the lockspace name
	 * @param force whether to remove the lockspace even while locks exist in it
	 * @return {@code true} if a registry of this process was using the lockspace
	 * @throws io.github.dlm.core.DlmLockspaceNotFoundException if the lockspace does not
	 * exist
	 * @throws UnsupportedOperationException if the backend cannot release lockspaces
	 * @throws IllegalStateException if closed
	 */
	public boolean releaseLockspace(String lockspace, boolean force) {
		DlmNames.checkLockspaceName(lockspace);
		DlmLockRegistry registry;
		synchronized (this.monitor) {
			Assert.state(!this.closed, () -> "DlmLockRegistries is closed; cannot release lockspace '" + lockspace + "'");
			registry = this.registries.remove(lockspace);
		}
		DlmLockspace handle;
		if (registry != null) {
			registry.close();
			handle = registry.getLockspace();
		}
		else {
			handle = this.client.openLockspace(lockspace, new LockspaceOptions(false, this.options.permissions(),
					false, this.options.noDirectory()));
		}
		try {
			handle.release(force);
		}
		catch (UnsupportedOperationException ex) {
			handle.close();
			throw ex;
		}
		return registry != null;
	}

	/**
	 * Closes every lockspace opened here. Idempotent; later calls to {@link #registry}
	 * fail.
	 */
	@Override
	public void close() {
		List<DlmLockRegistry> toClose;
		synchronized (this.monitor) {
			if (this.closed) {
				return;
			}
			this.closed = true;
			toClose = new ArrayList<>(this.registries.values());
			this.registries.clear();
		}
		DlmClosing.closeEach(toClose, (registry) -> {
			try {
				registry.close();
			}
			finally {
				registry.getLockspace().close();
			}
		});
	}

	/**
	 * Same as {@link #close()}, for the Spring container.
	 */
	@Override
	public void destroy() {
		close();
	}

}
