package io.github.dlm.autoconfigure;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import io.github.dlm.core.DlmClient;
import io.github.dlm.core.DlmDispatcherStats;

import org.springframework.context.SmartLifecycle;

/**
 * The dispatchers of the backend's open lockspaces, as one Spring-managed bean: the threads
 * that deliver lock completions and blocking callbacks, with what they delivered
 * ({@link #stats()}), shown by the {@code dlm} actuator endpoint and as metrics.
 * <p>
 * <b>Shutdown order.</b> The context stops lifecycle beans by descending phase, then
 * destroys beans in reverse dependency order:
 * <ol>
 * <li>phase {@link SmartLifecycle#DEFAULT_PHASE} and above: what takes locks (leader
 * initiators, the long-hold monitor, messaging endpoints) stops;</li>
 * <li>phase {@link #PHASE}: this bean {@linkplain #stop() waits} up to its bound for every
 * dispatcher to deliver what it has already read or queued, so that the callbacks of
 * locks taken before the shutdown run before their lockspaces close;</li>
 * <li>destruction: the lock registries unlock their locks and close their lockspaces, each
 * dispatcher stopping with its lockspace; then the {@link DlmClient} is closed, last,
 * since everything else depends on it.</li>
 * </ol>
 * The dispatchers are started by the backend with their lockspaces, not by this bean.
 */
public class DlmDispatchers implements SmartLifecycle {

	/** The phase: after the default phase stopped, before any bean is destroyed. */
	public static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 1024;

	/** How long {@link #stop()} waits for the dispatchers by default. */
	public static final Duration DEFAULT_STOP_TIMEOUT = Duration.ofSeconds(5);

	private static final Log logger = LogFactory.getLog(DlmDispatchers.class);

	private final DlmClient client;

	private final Duration stopTimeout;

	private volatile boolean running;

	/**
	 * Creates the bean with the {@linkplain #DEFAULT_STOP_TIMEOUT default stop timeout}.
	 * @param client the backend whose dispatchers it shows
	 */
	public DlmDispatchers(DlmClient client) {
		this(client, DEFAULT_STOP_TIMEOUT);
	}

	/**
	 * Creates the bean.
	 * @param client the backend whose dispatchers it shows
	 * @param stopTimeout how long {@link #stop()} waits for the dispatchers to go idle
	 */
	public DlmDispatchers(DlmClient client, Duration stopTimeout) {
		this.client = client;
		this.stopTimeout = stopTimeout;
	}

	/**
	 * What each dispatcher has delivered so far, one per open lockspace handle.
	 * @return a snapshot, empty when no lockspace is open or the backend does not report it
	 */
	public List<DlmDispatcherStats> stats() {
		return this.client.dispatchers();
	}

	@Override
	public void start() {
		this.running = true;
	}

	/**
	 * Waits, up to the stop timeout, until every dispatcher is idle; then lets the shutdown
	 * go on whether they are or not (a callback that does not return is logged, not waited
	 * for).
	 */
	@Override
	public void stop() {
		this.running = false;
		long deadline = System.nanoTime() + this.stopTimeout.toNanos();
		List<DlmDispatcherStats> busy = busy();
		while (!busy.isEmpty() && deadline - System.nanoTime() > 0 && !Thread.currentThread().isInterrupted()) {
			LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
			busy = busy();
		}
		if (!busy.isEmpty()) {
			logger.warn("DLM dispatcher(s) still busy after " + this.stopTimeout + ": "
					+ busy.stream().map(DlmDispatcherStats::threadName).toList()
					+ "; a completion or blocking callback may be blocked. Callbacks must return quickly");
		}
	}

	private List<DlmDispatcherStats> busy() {
		return stats().stream().filter((stats) -> stats.alive() && !stats.idle()).toList();
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		return PHASE;
	}

}
