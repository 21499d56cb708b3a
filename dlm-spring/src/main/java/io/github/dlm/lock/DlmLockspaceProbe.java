package io.github.dlm.lock;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.github.dlm.core.DlmCompletion;
import io.github.dlm.core.DlmErrors;
import io.github.dlm.core.DlmLockHandle;
import io.github.dlm.core.DlmLockspace;
import io.github.dlm.core.DlmMode;
import io.github.dlm.core.DlmResourceName;
import io.github.dlm.core.DlmStatus;

import org.springframework.core.task.SimpleAsyncTaskExecutor;
import org.springframework.util.Assert;

/**
 * A round trip to the lock manager in a lockspace: takes and releases an NL lock on
 * {@value #RESOURCE}, which blocks nobody, yet needs the lock manager to answer. A
 * lockspace in recovery (lost quorum, or a failed node not yet fenced) holds every request
 * until recovery ends, so its probe goes {@linkplain Unanswered unanswered}.
 * <p>
 * Probes run on threads of their own, because on the native backend even sending a
 * request can block in the kernel during recovery. At most one probe per lockspace runs at
 * a time: a probe without an answer within the timeout is left to finish rather than
 * cancelled, since a cancel would wait for recovery as well, and later calls report that
 * same probe as still unanswered instead of piling up new ones. A probe that is eventually
 * granted unlocks at once, and closing the lockspace ends it in any case, so none leaks.
 * <p>
 * Thread-safe.
 */
public final class DlmLockspaceProbe {

	/** The resource the probe locks in NL. */
	public static final String RESOURCE = "dlm-spring-boot-starter:health";

	private static final DlmResourceName RESOURCE_NAME = DlmResourceName.of(RESOURCE);

	private final Duration timeout;

	private final Executor executor;

	/** The probe of each lockspace name: the running one, or the last one. */
	private final Map<String, Probe> probes = new ConcurrentHashMap<>();

	/**
	 * Creates a probe that runs round trips on daemon threads of its own.
	 * @param timeout how long a round trip may take before it counts as unanswered
	 * @throws IllegalArgumentException if the timeout is not positive
	 */
	public DlmLockspaceProbe(Duration timeout) {
		this(timeout, daemonThreads());
	}

	/**
	 * Creates a probe that runs round trips on the given executor, which must not queue
	 * them behind each other: a round trip may block for as long as recovery lasts.
	 * @param timeout how long a round trip may take before it counts as unanswered
	 * @param executor runs each round trip
	 * @throws IllegalArgumentException if the timeout is not positive
	 */
	public DlmLockspaceProbe(Duration timeout, Executor executor) {
		Assert.isTrue(timeout != null && !timeout.isNegative() && !timeout.isZero(),
				() -> "Probe timeout must be positive, got " + timeout);
		Assert.notNull(executor, "Executor must not be null");
		this.timeout = timeout;
		this.executor = executor;
	}

	private static Executor daemonThreads() {
		SimpleAsyncTaskExecutor executor = new SimpleAsyncTaskExecutor("dlm-health-probe-");
		executor.setDaemon(true);
		return executor;
	}

	/**
	 * How long a round trip may take before it counts as unanswered.
	 * @return the timeout
	 */
	public Duration getTimeout() {
		return this.timeout;
	}

	/**
	 * Probes a lockspace: starts a round trip unless one for this lockspace is still
	 * running, and waits for it until the timeout, counted from the round trip's start.
	 * @param lockspace the open lockspace
	 * @return the round trip's time, its error, or that it is unanswered
	 * @throws InterruptedException if interrupted while waiting; the round trip goes on
	 */
	public Result probe(DlmLockspace lockspace) throws InterruptedException {
		Probe probe = this.probes.compute(lockspace.name(),
				(name, running) -> (running != null && running.lockspace == lockspace && !running.result.isDone())
						? running : start(lockspace));
		long waitNanos = probe.startedNanos + this.timeout.toNanos() - System.nanoTime();
		try {
			return new Answered(probe.result.get(Math.max(waitNanos, 0), TimeUnit.NANOSECONDS));
		}
		catch (TimeoutException ex) {
			return new Unanswered(Duration.ofNanos(System.nanoTime() - probe.startedNanos), this.timeout);
		}
		catch (ExecutionException ex) {
			return new Failed((ex.getCause() != null) ? ex.getCause() : ex);
		}
	}

	private Probe start(DlmLockspace lockspace) {
		long started = System.nanoTime();
		return new Probe(lockspace, started,
				CompletableFuture.supplyAsync(() -> roundTrip(lockspace, started), this.executor));
	}

	private static Duration roundTrip(DlmLockspace lockspace, long started) {
		DlmLockHandle handle = lockspace.newLock(RESOURCE_NAME, null);
		DlmCompletion granted = handle.request(DlmMode.NL, Set.of(), null).join();
		if (!granted.isGranted()) {
			throw DlmErrors.toException(granted.status(), "lock NL (probe)", lockspace.name(),
					RESOURCE_NAME);
		}
		DlmCompletion unlocked = handle.unlock(null).join();
		if (unlocked.status() != DlmStatus.UNLOCKED) {
			throw DlmErrors.toException(unlocked.status(), "unlock NL (probe)", lockspace.name(),
					RESOURCE_NAME);
		}
		return Duration.ofNanos(System.nanoTime() - started);
	}

	private record Probe(DlmLockspace lockspace, long startedNanos, CompletableFuture<Duration> result) {
	}

	/**
	 * The outcome of a {@linkplain #probe probe}: {@link Answered}, {@link Failed} or
	 * {@link Unanswered}.
	 */
	public sealed interface Result permits Answered, Failed, Unanswered {

		/**
		 * Whether the lock manager answered the round trip in time and without error.
		 * @return {@code true} for {@link Answered}
		 */
		default boolean isAnswered() {
			return this instanceof Answered;
		}

	}

	/**
	 * The lock manager granted and released the probe's lock within the timeout.
	 *
	 * @param roundTrip the time from the start of the round trip to the unlock's completion
	 */
	public record Answered(Duration roundTrip) implements Result {
	}

	/**
	 * The round trip failed: the lockspace is closed, or the lock manager refused the
	 * request.
	 *
	 * @param error what failed
	 */
	public record Failed(Throwable error) implements Result {
	}

	/**
	 * The lock manager has not answered within the timeout; the round trip is still
	 * running.
	 *
	 * @param waited how long the round trip has been running
	 * @param timeout the probe's timeout
	 */
	public record Unanswered(Duration waited, Duration timeout) implements Result {

		/**
		 * What an unanswered probe most likely means and where to look.
		 * @return the explanation
		 */
		public String message() {
			return "The lock manager has not answered a probe for " + this.waited.toMillis() + " ms (timeout "
					+ this.timeout.toMillis() + " ms): the lockspace is most likely in recovery, after a lost quorum "
					+ "or a node failure that is not fenced yet. Check 'corosync-quorumtool' and 'dlm_tool ls' on "
					+ "this node";
		}

	}

}
