package io.github.dlm.health;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import io.github.dlm.core.DlmLockspaceCondition;
import io.github.dlm.lock.DlmHoldInfo;
import io.github.dlm.lock.DlmLockRegistries;
import io.github.dlm.lock.DlmLockRegistry;
import io.github.dlm.lock.DlmLockspaceProbe;
import io.github.dlm.lock.DlmLongHoldMonitor;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.util.Assert;

/**
 * Health of the DLM: in every lockspace the application has open, the lock manager's own
 * {@linkplain DlmLockRegistry#getLockspaceCondition() condition} of the lockspace (the
 * signal of the "lock in doubt" events) and a {@link DlmLockspaceProbe round trip} to the
 * lock manager. A lockspace is DOWN while its locks are in doubt (in recovery, without
 * quorum, or left: the state is not {@code RUNNING}), or when its probe fails or goes
 * unanswered within the timeout; then so is the health. A lockspace in doubt is DOWN
 * rather than a detail because nothing is granted in it until recovery ends, and the node
 * may be about to be fenced: a load balancer should stop sending it work.
 * <p>
 * Details: {@code backend} ({@code native} or {@code local}) and, per lockspace, its
 * status, {@code state} and {@code cause} (the lockspace's condition, as the lock
 * manager tells it), and the round trip time or the error. Given a {@link DlmLongHoldMonitor}, also
 * {@code longHolds}: the locks this process has held for longer than the monitor's
 * threshold (key, lockspace, resource, mode, owner, since, how long, blocking callbacks
 * received), which make the health DOWN only if asked to; a lock held long is a hint that a
 * holder hangs, not a failure of the lock manager.
 */
public class DlmHealthIndicator extends AbstractHealthIndicator {

	/** The resource the probe locks in NL. */
	public static final String PROBE_RESOURCE = DlmLockspaceProbe.RESOURCE;

	private final DlmLockRegistries registries;

	private final DlmLockspaceProbe probe;

	private final @Nullable DlmLongHoldMonitor longHolds;

	private final boolean downOnLongHolds;

	/**
	 * Creates the indicator, which does not report long holds.
	 * @param registries the registries whose open lockspaces are probed
	 * @param timeout how long a probe may take before the lockspace counts as DOWN
	 * @throws IllegalArgumentException if the timeout is not positive
	 */
	public DlmHealthIndicator(DlmLockRegistries registries, Duration timeout) {
		this(registries, timeout, null, false);
	}

	/**
	 * Creates the indicator.
	 * @param registries the registries whose open lockspaces are probed
	 * @param timeout how long a probe may take before the lockspace counts as DOWN
	 * @param longHolds the monitor whose long holds are listed in the {@code longHolds}
	 * detail, {@code null} for none
	 * @param downOnLongHolds whether a long hold makes the health DOWN
	 * @throws IllegalArgumentException if the timeout is not positive
	 */
	public DlmHealthIndicator(DlmLockRegistries registries, Duration timeout, @Nullable DlmLongHoldMonitor longHolds,
			boolean downOnLongHolds) {
		super("DLM health check failed");
		Assert.notNull(registries, "DlmLockRegistries must not be null");
		this.registries = registries;
		this.probe = new DlmLockspaceProbe(timeout);
		this.longHolds = longHolds;
		this.downOnLongHolds = downOnLongHolds;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		builder.withDetail("backend", this.registries.getClient().backendName());
		Map<String, Object> lockspaces = new LinkedHashMap<>();
		boolean up = true;
		for (Map.Entry<String, DlmLockRegistry> entry : this.registries.getOpenRegistries().entrySet()) {
			Map<String, Object> details = check(entry.getValue());
			up &= Status.UP.getCode().equals(details.get("status"));
			lockspaces.put(entry.getKey(), details);
		}
		builder.withDetail("lockspaces", lockspaces);
		if (this.longHolds != null) {
			List<DlmHoldInfo> longHolds = this.longHolds.getLongHolds();
			builder.withDetail("longHolds", longHolds.stream().map(DlmHealthIndicator::details).toList());
			up &= longHolds.isEmpty() || !this.downOnLongHolds;
		}
		builder.status(up ? Status.UP : Status.DOWN);
	}

	private static Map<String, Object> details(DlmHoldInfo hold) {
		Map<String, Object> details = new LinkedHashMap<>();
		details.put("key", hold.key());
		details.put("lockspace", hold.lockspace());
		details.put("resource", hold.resource());
		details.put("mode", hold.mode().name());
		details.put("owner", hold.owner());
		details.put("since", hold.since().toString());
		details.put("heldFor", hold.heldFor().truncatedTo(ChronoUnit.MILLIS).toString());
		details.put("blockingCallbacks", hold.blockingCallbacks());
		return details;
	}

	private Map<String, Object> check(DlmLockRegistry registry) {
		Map<String, Object> details = new LinkedHashMap<>();
		DlmLockspaceCondition condition = registry.getLockspaceCondition();
		details.put("status", Status.UP.getCode());
		details.put("state", condition.state().name());
		details.put("cause", condition.cause());
		try {
			DlmLockspaceProbe.Result result = this.probe.probe(registry.getLockspace());
			if (result instanceof DlmLockspaceProbe.Answered answered) {
				details.put("status", Status.UP.getCode());
				details.put("roundTripMicros", answered.roundTrip().toNanos() / 1000);
			}
			else if (result instanceof DlmLockspaceProbe.Failed failed) {
				details.put("status", Status.DOWN.getCode());
				details.put("error", String.valueOf(failed.error()));
			}
			else if (result instanceof DlmLockspaceProbe.Unanswered unanswered) {
				details.put("status", Status.DOWN.getCode());
				details.put("error", unanswered.message());
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			details.put("status", Status.UNKNOWN.getCode());
			details.put("error", "Interrupted while waiting for the probe");
		}
		if (condition.isInDoubt()) {
			details.put("status", Status.DOWN.getCode());
		}
		return details;
	}

}
