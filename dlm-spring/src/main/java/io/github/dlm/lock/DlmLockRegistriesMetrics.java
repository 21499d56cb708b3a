package io.github.dlm.lock;

import java.util.function.ToDoubleFunction;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.springframework.util.Assert;

/**
 * Meters of the lock registries of a {@link DlmLockRegistries}, summed over the
 * lockspaces opened so far, for this JVM:
 * <ul>
 * <li>{@value #HELD} (gauge): holds held now, by threads and asynchronous owners;</li>
 * <li>{@value #WAITING} (gauge): requests for a new DLM lock waiting for the lock manager
 * now;</li>
 * <li>{@value #BLOCKING_CALLBACKS} (counter): blocking callbacks delivered, each telling
 * that a hold of this JVM blocks another request.</li>
 * </ul>
 * Each carries the tag {@code backend}. Needs {@code micrometer-core}.
 */
public class DlmLockRegistriesMetrics implements MeterBinder {

	/** The name of the gauge of holds held now. */
	public static final String HELD = "dlm.locks.held";

	/** The name of the gauge of requests waiting now. */
	public static final String WAITING = "dlm.lock.requests.waiting";

	/** The name of the counter of blocking callbacks delivered. */
	public static final String BLOCKING_CALLBACKS = "dlm.lock.blocking.callbacks";

	private final DlmLockRegistries registries;

	/**
	 * Creates the meters' binder.
	 * @param registries the registries whose locks are counted
	 */
	public DlmLockRegistriesMetrics(DlmLockRegistries registries) {
		Assert.notNull(registries, "DlmLockRegistries must not be null");
		this.registries = registries;
	}

	@Override
	public void bindTo(MeterRegistry meterRegistry) {
		Tags tags = Tags.of("backend", this.registries.getClient().backendName());
		Gauge.builder(HELD, this.registries, sum(DlmLockRegistry::getHeldLockCount))
			.description("DLM locks held by this JVM now")
			.tags(tags)
			.register(meterRegistry);
		Gauge.builder(WAITING, this.registries, sum(DlmLockRegistry::getWaitingRequestCount))
			.description("Requests of this JVM waiting for a DLM lock now")
			.tags(tags)
			.register(meterRegistry);
		FunctionCounter.builder(BLOCKING_CALLBACKS, this.registries, sum(DlmLockRegistry::getBlockingCallbackCount))
			.description("Blocking callbacks delivered to this JVM's DLM locks: a hold blocked another request")
			.tags(tags)
			.register(meterRegistry);
	}

	private static ToDoubleFunction<DlmLockRegistries> sum(ToDoubleFunction<DlmLockRegistry> count) {
		return (registries) -> registries.getOpenRegistries().values().stream().mapToDouble(count).sum();
	}

}
