package io.github.dlm.caching;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.github.dlm.core.DlmClient;
import io.github.dlm.core.DlmClosing;
import io.github.dlm.core.DlmDispatcherStats;
import io.github.dlm.core.DlmLockspace;
import io.github.dlm.core.LockspaceOptions;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * A {@link DlmClient} with node-level lock caching over any other client: every lockspace
 * it opens is a {@link CachingLockspace} over a lockspace of the delegate, which holds one
 * node lock per resource whatever the number of local holders, arbitrates those holders in
 * memory with the DLM's own rules, and keeps a node lock after its last local release
 * until another node wants it (a blocking callback), it has been idle for
 * {@code releaseIdleAfter}, or the lockspace is closed.
 * <p>
 * Everything above the backend SPI works unchanged over it. One daemon thread sweeps idle
 * node locks.
 */
public final class CachingDlmClient implements DlmClient {

	/** How long an unused node lock is kept by default. */
	public static final Duration DEFAULT_RELEASE_IDLE_AFTER = Duration.ofSeconds(30);

	private static final Log logger = LogFactory.getLog(CachingDlmClient.class);

	private final DlmClient delegate;

	private final Duration releaseIdleAfter;

	private final Set<CachingLockspace> lockspaces = new LinkedHashSet<>();

	private final ScheduledExecutorService sweeper;

	private boolean closed;

	/**
	 * Creates a caching client that releases node locks unused for
	 * {@link #DEFAULT_RELEASE_IDLE_AFTER}.
	 * @param delegate the backend that holds the node locks
	 */
	public CachingDlmClient(DlmClient delegate) {
		this(delegate, DEFAULT_RELEASE_IDLE_AFTER);
	}

	/**
	 * Creates a caching client.
	 * @param delegate the backend that holds the node locks
	 * @param releaseIdleAfter how long a node lock without local locks is kept; positive
	 */
	public CachingDlmClient(DlmClient delegate, Duration releaseIdleAfter) {
		this.delegate = Objects.requireNonNull(delegate, "Delegate DLM client must not be null");
		Objects.requireNonNull(releaseIdleAfter, "releaseIdleAfter must not be null");
		if (releaseIdleAfter.isNegative() || releaseIdleAfter.isZero()) {
			throw new IllegalArgumentException("releaseIdleAfter must be positive but was " + releaseIdleAfter);
		}
		this.releaseIdleAfter = releaseIdleAfter;
		this.sweeper = Executors.newSingleThreadScheduledExecutor((task) -> {
			Thread thread = new Thread(task, "dlm-cache-idle");
			thread.setDaemon(true);
			return thread;
		});
		long period = Math.max(TimeUnit.MILLISECONDS.toNanos(5), releaseIdleAfter.toNanos() / 4);
		this.sweeper.scheduleWithFixedDelay(this::sweep, period, period, TimeUnit.NANOSECONDS);
	}

	/**
	 * The delegate's name: caching changes how locks are held, not the backend.
	 */
	@Override
	public String backendName() {
		return this.delegate.backendName();
	}

	/**
	 * The delegate's dispatchers, which deliver the node locks' completions and blocking
	 * callbacks (the local holders' are delivered by each caching lockspace's own engine).
	 */
	@Override
	public List<DlmDispatcherStats> dispatchers() {
		return this.delegate.dispatchers();
	}

	/**
	 * The client that holds the node locks.
	 * @return the delegate
	 */
	public DlmClient delegate() {
		return this.delegate;
	}

	/**
	 * How long a node lock without local locks is kept.
	 * @return the idle time
	 */
	public Duration releaseIdleAfter() {
		return this.releaseIdleAfter;
	}

	/**
	 * {@inheritDoc}
	 * <p>
	 * Opens a lockspace of the delegate and caches over it; each handle has its own node
	 * locks, so two handles on one lockspace act as two nodes.
	 */
	@Override
	public CachingLockspace openLockspace(String name, LockspaceOptions options) {
		synchronized (this) {
			if (this.closed) {
				throw new IllegalStateException("This CachingDlmClient is closed; create a new one");
			}
		}
		DlmLockspace opened = this.delegate.openLockspace(name, options);
		CachingLockspace lockspace = new CachingLockspace(this, opened);
		synchronized (this) {
			this.lockspaces.add(lockspace);
		}
		return lockspace;
	}

	/**
	 * Closes every lockspace this client opened (releasing their node locks), stops the idle
	 * sweep and closes the delegate.
	 */
	@Override
	public void close() {
		List<CachingLockspace> open;
		synchronized (this) {
			this.closed = true;
			open = new ArrayList<>(this.lockspaces);
		}
		try {
			DlmClosing.closeEach(open, CachingLockspace::close);
		}
		finally {
			this.sweeper.shutdownNow();
			this.delegate.close();
		}
	}

	synchronized void closed(CachingLockspace lockspace) {
		this.lockspaces.remove(lockspace);
	}

	private void sweep() {
		List<CachingLockspace> open;
		synchronized (this) {
			open = new ArrayList<>(this.lockspaces);
		}
		long now = System.nanoTime();
		for (CachingLockspace lockspace : open) {
			try {
				lockspace.sweep(now, this.releaseIdleAfter.toNanos());
			}
			catch (RuntimeException ex) {
				logger.warn("Idle release of cached DLM locks in lockspace '" + lockspace.name() + "' failed", ex);
			}
		}
	}

	@Override
	public String toString() {
		return "CachingDlmClient[delegate=" + this.delegate + ", releaseIdleAfter=" + this.releaseIdleAfter + "]";
	}

}
