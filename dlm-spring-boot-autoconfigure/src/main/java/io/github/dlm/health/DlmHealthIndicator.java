package io.github.dlm.health;

import java.time.Duration;
import java.util.LinkedHashMap;
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
import io.github.dlm.lock.DlmLockRegistries;
import io.github.dlm.lock.DlmLockRegistry;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.core.task.SimpleAsyncTaskExecutor;
import org.springframework.util.Assert;

/**
 * Health of the DLM: a round trip to the lock manager in every lockspace the application
 * has open. The probe takes and releases an NL lock on {@value #PROBE_RESOURCE}, which
 * blocks nobody, yet needs the lock manager to answer: a lockspace in recovery (lost
 * quorum, or a failed node not yet fenced) holds every request until recovery ends.
 * <p>
 * Probes run on threads of their own, because on the native backend even sending a
 * request can block in the kernel during recovery. A probe without an answer within the
 * timeout makes the lockspace (and the health) DOWN; it is left to finish rather than
 * cancelled, since a cancel would wait for recovery as well, and later checks report it
 * as still unanswered instead of piling up new probes. A probe that is eventually granted
 * unlocks at once, and closing the lockspace releases it in any case, so none leaks.
 * <p>
 * Details: {@code backend} ({@code native} or {@code local}) and, per lockspace, its
 * status and the round trip time or the error.
 */
public class DlmHealthIndicator extends AbstractHealthIndicator {

	/** The resource the probe locks in NL. */
	public static final String PROBE_RESOURCE = "dlm-spring-boot-starter:health";

	private static final DlmResourceName PROBE_NAME = DlmResourceName.of(PROBE_RESOURCE);

	private final DlmLockRegistries registries;

	private final Duration timeout;

	private final Executor executor;

	private final Map<String, Probe> probes = new ConcurrentHashMap<>();

	/**
	 * Creates the indicator.
	 * @param registries the registries whose open lockspaces are probed
	 * @param timeout how long a probe may take before the lockspace counts as DOWN
	 * @throws IllegalArgumentException if the timeout is not positive
	 */
	public DlmHealthIndicator(DlmLockRegistries registries, Duration timeout) {
		super("DLM health check failed");
		Assert.notNull(registries, "DlmLockRegistries must not be null");
		Assert.isTrue(timeout != null && !timeout.isNegative() && !timeout.isZero(),
				() -> "DLM health probe timeout must be positive, got " + timeout);
		this.registries = registries;
		this.timeout = timeout;
		SimpleAsyncTaskExecutor executor = new SimpleAsyncTaskExecutor("dlm-health-probe-");
		executor.setDaemon(true);
		this.executor = executor;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		builder.withDetail("backend", this.registries.getClient().backendName());
		Map<String, Object> lockspaces = new LinkedHashMap<>();
		boolean up = true;
		for (Map.Entry<String, DlmLockRegistry> entry : this.registries.getOpenRegistries().entrySet()) {
			Map<String, Object> result = check(entry.getKey(), entry.getValue().getLockspace());
			up &= "UP".equals(result.get("status"));
			lockspaces.put(entry.getKey(), result);
		}
		builder.withDetail("lockspaces", lockspaces);
		if (up) {
			builder.up();
		}
		else {
			builder.down();
		}
	}

	private Map<String, Object> check(String name, DlmLockspace lockspace) {
		Probe probe = this.probes.compute(name,
				(key, running) -> (running != null && running.lockspace == lockspace && !running.result.isDone())
						? running : start(lockspace));
		long waitNanos = probe.startedNanos + this.timeout.toNanos() - System.nanoTime();
		Map<String, Object> details = new LinkedHashMap<>();
		try {
			Duration roundTrip = probe.result.get(Math.max(waitNanos, 0), TimeUnit.NANOSECONDS);
			details.put("status", "UP");
			details.put("roundTripMicros", roundTrip.toNanos() / 1000);
		}
		catch (TimeoutException ex) {
			details.put("status", "DOWN");
			details.put("error", "The lock manager has not answered a probe for "
					+ Duration.ofNanos(System.nanoTime() - probe.startedNanos).toMillis() + " ms (timeout "
					+ this.timeout.toMillis() + " ms): the lockspace is most likely in recovery, after a lost quorum "
					+ "or a node failure that is not fenced yet. Check 'corosync-quorumtool' and 'dlm_tool ls' on "
					+ "this node");
		}
		catch (ExecutionException ex) {
			details.put("status", "DOWN");
			details.put("error", String.valueOf(ex.getCause()));
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			details.put("status", "UNKNOWN");
			details.put("error", "Interrupted while waiting for the probe");
		}
		return details;
	}

	private Probe start(DlmLockspace lockspace) {
		long started = System.nanoTime();
		return new Probe(lockspace, started,
				CompletableFuture.supplyAsync(() -> roundTrip(lockspace, started), this.executor));
	}

	private static Duration roundTrip(DlmLockspace lockspace, long started) {
		DlmLockHandle handle = lockspace.newLock(PROBE_NAME, null);
		DlmCompletion granted = handle.request(DlmMode.NL, Set.of(), null).join();
		if (!granted.isGranted()) {
			throw DlmErrors.toException(granted.status(), "lock NL (health probe)", lockspace.name(),
					PROBE_NAME);
		}
		DlmCompletion unlocked = handle.unlock(null).join();
		if (unlocked.status() != DlmStatus.UNLOCKED) {
			throw DlmErrors.toException(unlocked.status(), "unlock NL (health probe)", lockspace.name(),
					PROBE_NAME);
		}
		return Duration.ofNanos(System.nanoTime() - started);
	}

	private record Probe(DlmLockspace lockspace, long startedNanos, CompletableFuture<Duration> result) {
	}

}
