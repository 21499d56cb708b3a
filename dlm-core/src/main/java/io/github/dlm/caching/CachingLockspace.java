package io.github.dlm.caching;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.dlm.core.DlmBlockingListener;
import io.github.dlm.core.DlmCompletion;
import io.github.dlm.core.DlmFlag;
import io.github.dlm.core.DlmLockHandle;
import io.github.dlm.core.DlmLockspace;
import io.github.dlm.core.DlmLockspaceCondition;
import io.github.dlm.core.DlmMode;
import io.github.dlm.core.DlmResourceName;
import io.github.dlm.core.DlmStatus;
import io.github.dlm.local.GatedEngine;
import io.github.dlm.local.LocalLockHandle;
import io.github.dlm.local.LocalLockInfo;
import io.github.dlm.local.LockGate;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * A lockspace with node-level lock caching over a delegate lockspace handle: one node lock
 * per resource in the delegate, this node's holders arbitrated in memory by a
 * {@link GatedEngine}, and node locks kept after the last local release until a blocking
 * callback, the idle timeout or {@link #close()}. See the package documentation for the
 * state machine.
 * <p>
 * Callbacks to the locks made here (completions of requests that waited, blocking
 * callbacks) arrive one at a time and in order on this lockspace's own callback thread.
 */
public final class CachingLockspace implements DlmLockspace {

	/** How long a close waits for the lock manager to take the value blocks it publishes. */
	public static final Duration PUBLISH_ON_CLOSE_TIMEOUT = Duration.ofSeconds(10);

	private static final Log logger = LogFactory.getLog(CachingLockspace.class);

	private static final AtomicInteger threads = new AtomicInteger();

	private final CachingDlmClient client;

	private final DlmLockspace delegate;

	private final GatedEngine engine;

	private final Map<DlmResourceName, NodeLock> nodeLocks = new ConcurrentHashMap<>();

	/** Node locks with a step to take, taken by whichever thread calls in next. */
	private final Queue<NodeLock> toDrive = new ConcurrentLinkedQueue<>();

	private volatile boolean closed;

	CachingLockspace(CachingDlmClient client, DlmLockspace delegate) {
		this.client = client;
		this.delegate = delegate;
		LockGate gate = this::admit;
		this.engine = new GatedEngine(delegate.name(),
				"dlm-cache-" + delegate.name() + "-" + threads.incrementAndGet(), gate);
	}

	@Override
	public String name() {
		return this.delegate.name();
	}

	@Override
	public DlmLockHandle newLock(DlmResourceName resourceName, @Nullable DlmBlockingListener blockingListener) {
		Objects.requireNonNull(resourceName, "resourceName must not be null");
		return new CachingLockHandle(this, resourceName, blockingListener);
	}

	@Override
	public DlmLockspaceCondition condition() {
		return this.delegate.condition();
	}

	/**
	 * The lockspace handle of the delegate backend that holds the node locks.
	 * @return the delegate lockspace
	 */
	public DlmLockspace delegate() {
		return this.delegate;
	}

	/**
	 * The node locks this lockspace has now, cached or in use, each with its local holders
	 * and waiters.
	 * @return a snapshot, one entry per resource
	 */
	public List<CachedLock> cachedLocks() {
		List<CachedLock> locks = new ArrayList<>();
		for (NodeLock nodeLock : this.nodeLocks.values()) {
			locks.add(nodeLock.describe());
		}
		return locks;
	}

	/**
	 * The locks of this node's holders as the local engine has them (the stand-ins for
	 * remote waiters included), as {@code io.github.dlm.local.LocalDlmClient#dump} shows
	 * them; for tests and diagnostics.
	 * @return the local locks
	 */
	public List<LocalLockInfo> localLocks() {
		return this.engine.dump();
	}

	/**
	 * Publishes the value blocks written locally on node locks no local lock holds any more
	 * (waiting at most {@link #PUBLISH_ON_CLOSE_TIMEOUT} for the lock manager), closes the
	 * local engine (waiting local requests are cancelled, held locks end), then the delegate
	 * lockspace, which releases the remaining node locks. Idempotent.
	 */
	@Override
	public void close() {
		if (this.closed) {
			return;
		}
		this.closed = true;
		publishOnClose();
		for (NodeLock nodeLock : this.nodeLocks.values()) {
			nodeLock.close();
		}
		try {
			this.engine.close();
			this.delegate.close();
		}
		finally {
			this.client.closed(this);
		}
	}

	private void publishOnClose() {
		List<CompletableFuture<DlmCompletion>> releases = new ArrayList<>();
		for (NodeLock nodeLock : this.nodeLocks.values()) {
			try {
				CompletableFuture<DlmCompletion> release = nodeLock.publishOnClose();
				if (release != null) {
					releases.add(release);
				}
			}
			catch (RuntimeException ex) {
				logger.warn("Could not publish the value block of " + nodeLock.resource + " in lockspace '"
						+ name() + "' before closing it; the lock manager marks it not valid", ex);
			}
		}
		try {
			CompletableFuture.allOf(releases.toArray(CompletableFuture[]::new))
				.get(PUBLISH_ON_CLOSE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		catch (ExecutionException | TimeoutException ex) {
			logger.warn("Publishing value blocks before closing lockspace '" + name() + "' did not complete: " + ex);
		}
	}

	GatedEngine engine() {
		return this.engine;
	}

	private LockGate.Decision admit(LocalLockHandle lock, DlmResourceName resource, DlmMode mode,
			Set<DlmFlag> flags) {
		NodeLock nodeLock = this.nodeLocks.get(resource);
		if (nodeLock == null) {
			nodeLock = this.nodeLocks.computeIfAbsent(resource, (name) -> new NodeLock(name, this, this.engine));
		}
		return nodeLock.admit(lock, mode, flags);
	}

	/** Queues a node lock to drive; under its monitor. */
	void toDrive(NodeLock nodeLock) {
		this.toDrive.add(nodeLock);
	}

	/**
	 * After a call on one of this lockspace's locks: drives the node locks the call made
	 * need a step. A delegate failure reaches the caller whose own request it ended.
	 */
	void afterCall(@Nullable CompletableFuture<DlmCompletion> request) {
		if (this.toDrive.isEmpty()) {
			return;
		}
		RuntimeException failure = drainPending();
		if (failure != null && request != null && request.isDone() && !request.isCompletedExceptionally()
				&& request.join().status() == DlmStatus.CANCELLED) {
			throw failure;
		}
	}

	/**
	 * Drives every queued node lock.
	 * @return the first delegate failure, or {@code null}
	 */
	@Nullable RuntimeException drainPending() {
		RuntimeException first = null;
		NodeLock nodeLock;
		while ((nodeLock = this.toDrive.poll()) != null) {
			RuntimeException failure = nodeLock.drive();
			if (first == null) {
				first = failure;
			}
		}
		return first;
	}

	/** Releases node locks idle for {@code idleNanos}; forgets those without lock and use. */
	void sweep(long now, long idleNanos) {
		if (this.closed) {
			return;
		}
		for (Iterator<NodeLock> it = this.nodeLocks.values().iterator(); it.hasNext();) {
			NodeLock nodeLock = it.next();
			if (nodeLock.sweep(now, idleNanos)) {
				this.engine.ifUnused(nodeLock.resource, () -> {
					if (nodeLock.isRetirable()) {
						this.nodeLocks.remove(nodeLock.resource, nodeLock);
					}
				});
			}
		}
		drainPending();
	}

	@Override
	public String toString() {
		return "CachingLockspace[" + this.delegate + "]";
	}

}
