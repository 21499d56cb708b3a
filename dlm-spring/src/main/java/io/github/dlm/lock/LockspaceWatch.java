package io.github.dlm.lock;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.springframework.util.Assert;

import io.github.dlm.core.DlmLockspace;
import io.github.dlm.core.DlmLockspaceCondition;

/**
 * Polls the {@linkplain DlmLockspace#condition() condition} of one registry's lockspace
 * while some {@link DlmLockInDoubtListener} listens, and tells the listeners of each
 * change of state. No thread runs while nobody listens. Thread-safe.
 */
final class LockspaceWatch {

	/** The default {@linkplain #setPollInterval poll interval}. */
	static final Duration DEFAULT_POLL_INTERVAL = Duration.ofSeconds(1);

	private static final Log logger = LogFactory.getLog(LockspaceWatch.class);

	private final DlmLockspace lockspace;

	private final CurrentHolds holds;

	private final List<DlmLockInDoubtListener> listeners = new CopyOnWriteArrayList<>();

	private final PeriodicTask polls;

	private volatile Duration pollInterval = DEFAULT_POLL_INTERVAL;

	/** The condition seen by the last poll; {@code null} before the first. */
	private volatile @Nullable DlmLockspaceCondition last;

	private boolean closed;

	LockspaceWatch(DlmLockspace lockspace, CurrentHolds holds) {
		this.lockspace = lockspace;
		this.holds = holds;
		this.polls = new PeriodicTask("dlm-lockspace-watch-" + lockspace.name(), this::pollQuietly);
	}

	synchronized void setPollInterval(Duration pollInterval) {
		Assert.isTrue(pollInterval != null && !pollInterval.isNegative() && !pollInterval.isZero(),
				() -> "The lockspace poll interval must be positive, such as 1s; got " + pollInterval);
		this.pollInterval = pollInterval;
		if (this.polls.isRunning()) {
			this.polls.stop();
			this.polls.start(pollInterval, pollInterval);
		}
	}

	Duration getPollInterval() {
		return this.pollInterval;
	}

	synchronized void addListener(DlmLockInDoubtListener listener) {
		Assert.notNull(listener, "Listener must not be null");
		Assert.state(!this.closed, () -> "The registry of lockspace '" + this.lockspace.name() + "' is closed");
		this.listeners.add(listener);
		if (!this.polls.isRunning()) {
			// The state when watching begins is no change; one in doubt is told by the first poll.
			DlmLockspaceCondition baseline = this.lockspace.condition();
			this.last = baseline.isInDoubt() ? null : baseline;
			this.polls.start(baseline.isInDoubt() ? Duration.ZERO : this.pollInterval, this.pollInterval);
		}
	}

	synchronized void removeListener(DlmLockInDoubtListener listener) {
		this.listeners.remove(listener);
		if (this.listeners.isEmpty()) {
			stopPolling();
		}
	}

	synchronized void close() {
		this.closed = true;
		this.listeners.clear();
		stopPolling();
	}

	private void stopPolling() {
		this.polls.stop();
		this.last = null;
	}

	boolean isWatching() {
		return this.polls.isRunning();
	}

	/**
	 * The condition now: the last one polled while watching, else read now.
	 */
	DlmLockspaceCondition condition() {
		DlmLockspaceCondition last = this.last;
		return (last != null && isWatching()) ? last : this.lockspace.condition();
	}

	/**
	 * Reads the condition and tells the listeners if its state changed.
	 * @return the change told, or {@code null}
	 */
	@Nullable DlmLockspaceStateChange poll() {
		DlmLockspaceCondition current = this.lockspace.condition();
		DlmLockspaceCondition previous = this.last;
		this.last = current;
		boolean changed = (previous != null) ? previous.state() != current.state() : current.isInDoubt();
		if (!changed) {
			return null;
		}
		DlmLockspaceStateChange change = new DlmLockspaceStateChange(this.lockspace.name(), previous, current,
				this.holds.snapshot(), Instant.now());
		if (logger.isWarnEnabled() && change.isInDoubt()) {
			logger.warn(change + ": " + change.holds());
		}
		else if (logger.isInfoEnabled()) {
			logger.info(change);
		}
		for (DlmLockInDoubtListener listener : this.listeners) {
			try {
				listener.lockspaceStateChanged(change);
			}
			catch (RuntimeException ex) {
				logger.warn("Lock-in-doubt listener " + listener + " failed on: " + change, ex);
			}
		}
		return change;
	}

	private void pollQuietly() {
		try {
			poll();
		}
		catch (RuntimeException ex) {
			logger.warn("Could not read the condition of lockspace '" + this.lockspace.name() + "'; will read again in "
					+ DlmLongHoldMonitor.format(this.pollInterval), ex);
		}
	}

}
