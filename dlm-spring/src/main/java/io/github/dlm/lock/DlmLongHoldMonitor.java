package io.github.dlm.lock;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.springframework.context.SmartLifecycle;
import org.springframework.util.Assert;

/**
 * Tells when a DLM lock has been held for longer than a threshold. DLM locks never expire:
 * a holder that hangs, or a thread that ended without unlocking, stalls every other
 * request for the resource in the whole cluster, and nothing else says so.
 * <p>
 * Each {@link #check()} looks at the holds of this process (those listed by
 * {@link DlmLockRegistry#getHolds()}) and logs one WARN for each hold held for at least
 * the threshold, once per hold: a hold reported once is not reported again however long it
 * lasts (nor by another monitor: the mark is the hold's), and a new hold of the same
 * resource is a new hold. The warning names the lock's key, resource and lockspace, the
 * mode held, the owner, how long and since when it has been held, whether others wait for
 * it (the {@linkplain DlmHoldInfo#blockingCallbacks()
 * blocking callbacks} it received) and, for a thread's hold, what that thread is doing now
 * (its current stack, or that it has terminated); an asynchronous hold ({@link DlmHold})
 * has no thread to show. {@link #getLongHolds()} lists the long holds without logging,
 * for health checks.
 * <p>
 * As a {@link SmartLifecycle} bean it checks on a daemon thread of its own
 * ({@code dlm-long-holds}) every {@link #getCheckInterval() check interval} while the
 * context runs, so a hold is reported at most one interval after it crossed the
 * threshold. Checking reads the registries' lists of holds and makes no lock manager call.
 */
public class DlmLongHoldMonitor implements SmartLifecycle {

	/** The longest {@linkplain #getCheckInterval() check interval}. */
	private static final Duration MAX_CHECK_INTERVAL = Duration.ofSeconds(10);

	private static final Log logger = LogFactory.getLog(DlmLongHoldMonitor.class);

	private final Supplier<Iterable<DlmLockRegistry>> registries;

	private final Duration threshold;

	private final PeriodicTask checks = new PeriodicTask("dlm-long-holds", this::checkQuietly);

	/**
	 * Creates a monitor of the holds of every registry opened by {@code registries}
	 * (including those opened later).
	 * @param registries the registries
	 * @param threshold how long a hold may last before it is reported; positive
	 * @throws IllegalArgumentException if the threshold is not positive
	 */
	public DlmLongHoldMonitor(DlmLockRegistries registries, Duration threshold) {
		this(checkedThreshold(threshold), openRegistriesOf(registries));
	}

	/**
	 * Creates a monitor of the holds of one registry.
	 * @param registry the registry
	 * @param threshold how long a hold may last before it is reported; positive
	 * @throws IllegalArgumentException if the threshold is not positive
	 */
	public DlmLongHoldMonitor(DlmLockRegistry registry, Duration threshold) {
		this(checkedThreshold(threshold), singleRegistry(registry));
	}

	private DlmLongHoldMonitor(Duration threshold, Supplier<Iterable<DlmLockRegistry>> registries) {
		this.threshold = threshold;
		this.registries = registries;
	}

	private static Supplier<Iterable<DlmLockRegistry>> openRegistriesOf(DlmLockRegistries registries) {
		Assert.notNull(registries, "DlmLockRegistries must not be null");
		return () -> registries.getOpenRegistries().values();
	}

	private static Supplier<Iterable<DlmLockRegistry>> singleRegistry(DlmLockRegistry registry) {
		Assert.notNull(registry, "DlmLockRegistry must not be null");
		List<DlmLockRegistry> registries = List.of(registry);
		return () -> registries;
	}

	private static Duration checkedThreshold(@Nullable Duration threshold) {
		Assert.isTrue(threshold != null && !threshold.isNegative() && !threshold.isZero(),
				() -> "The long hold threshold must be positive, such as 5m; got " + threshold);
		return threshold;
	}

	/**
	 * How long a hold may last before it is reported.
	 * @return the threshold
	 */
	public Duration getThreshold() {
		return this.threshold;
	}

	/**
	 * How often the running monitor checks: half the threshold, at most 10s and at least
	 * 1ms.
	 * @return the interval
	 */
	public Duration getCheckInterval() {
		Duration half = this.threshold.dividedBy(2);
		if (half.compareTo(MAX_CHECK_INTERVAL) > 0) {
			return MAX_CHECK_INTERVAL;
		}
		return (half.toMillis() < 1) ? Duration.ofMillis(1) : half;
	}

	/**
	 * The holds held now for at least the threshold, reported yet or not; logs nothing.
	 * @return snapshots of the long holds, oldest first per registry
	 */
	public List<DlmHoldInfo> getLongHolds() {
		long now = System.nanoTime();
		List<DlmHoldInfo> longHolds = new ArrayList<>();
		for (DlmLockRegistry registry : this.registries.get()) {
			for (HeldLock hold : registry.currentHolds().list()) {
				if (isLong(hold, now)) {
					longHolds.add(hold.info(now));
				}
			}
		}
		return longHolds;
	}

	/**
	 * Logs a WARN for each hold held for at least the threshold that was not reported yet.
	 * @return snapshots of the holds reported by this call
	 */
	public List<DlmHoldInfo> check() {
		long now = System.nanoTime();
		List<DlmHoldInfo> reported = new ArrayList<>();
		for (DlmLockRegistry registry : this.registries.get()) {
			for (HeldLock hold : registry.currentHolds().list()) {
				if (isLong(hold, now) && hold.markLongHoldReported()) {
					DlmHoldInfo info = hold.info(now);
					reported.add(info);
					if (logger.isWarnEnabled()) {
						logger.warn(warning(info, hold.owner()));
					}
				}
			}
		}
		return reported;
	}

	private boolean isLong(HeldLock hold, long nowNanos) {
		return nowNanos - hold.startNanos() >= this.threshold.toNanos();
	}

	private String warning(DlmHoldInfo info, @Nullable Thread owner) {
		StringBuilder warning = new StringBuilder("DLM lock '").append(info.key())
			.append("' (resource '")
			.append(info.resource())
			.append("' in lockspace '")
			.append(info.lockspace())
			.append("') has been held in ")
			.append(info.mode())
			.append(" for ")
			.append(format(info.heldFor()))
			.append(" by ")
			.append(info.owner())
			.append(" (since ")
			.append(info.since())
			.append("), longer than ")
			.append(format(this.threshold))
			.append(", ");
		int callbacks = info.blockingCallbacks();
		if (callbacks > 0) {
			warning.append("while others wait for it (").append(callbacks)
				.append((callbacks == 1) ? " blocking callback" : " blocking callbacks")
				.append(" received during the hold)");
		}
		else {
			warning.append("with no request known to wait for it (no blocking callback during the hold)");
		}
		warning.append(". DLM locks never expire: every other request for the resource, on any node, waits until "
				+ "this hold is released. Reported once per hold.");
		if (owner == null) {
			warning.append(" It is an asynchronous hold (DlmHold), owned by no thread: whoever holds the DlmHold "
					+ "has to release it.");
		}
		else if (!owner.isAlive()) {
			warning.append(" Thread '").append(owner.getName())
				.append("' has terminated without releasing it: it stays held until its lockspace is closed.");
		}
		else {
			warning.append(" Stack of thread '").append(owner.getName()).append("' (").append(owner.getState())
				.append(") now:");
			for (StackTraceElement element : owner.getStackTrace()) {
				warning.append(System.lineSeparator()).append("\tat ").append(element);
			}
		}
		return warning.toString();
	}

	/** A duration the way people read it: 1h 2m 3s, 2m 3s, 3.5s or 250ms. */
	static String format(Duration duration) {
		if (duration.toSeconds() == 0) {
			return duration.toMillis() + "ms";
		}
		StringBuilder text = new StringBuilder();
		if (duration.toHours() > 0) {
			text.append(duration.toHours()).append("h ");
		}
		if (duration.toMinutes() > 0) {
			text.append(duration.toMinutesPart()).append("m ");
		}
		text.append(duration.toSecondsPart());
		if (duration.toMinutes() == 0 && duration.toMillisPart() > 0) {
			text.append('.').append(duration.toMillisPart() / 100);
		}
		return text.append('s').toString();
	}

	private void checkQuietly() {
		try {
			check();
		}
		catch (RuntimeException ex) {
			logger.warn("Could not check for long DLM lock holds; will check again in "
					+ format(getCheckInterval()), ex);
		}
	}

	/**
	 * Starts checking every {@linkplain #getCheckInterval() check interval} on a daemon
	 * thread. Idempotent.
	 */
	@Override
	public void start() {
		this.checks.start(getCheckInterval(), getCheckInterval());
	}

	/**
	 * Stops checking. Idempotent.
	 */
	@Override
	public void stop() {
		this.checks.stop();
	}

	/**
	 * Whether checks are scheduled.
	 * @return {@code true} between {@link #start()} and {@link #stop()}
	 */
	@Override
	public boolean isRunning() {
		return this.checks.isRunning();
	}

	@Override
	public String toString() {
		return "DlmLongHoldMonitor (threshold " + format(this.threshold) + ")";
	}

}
