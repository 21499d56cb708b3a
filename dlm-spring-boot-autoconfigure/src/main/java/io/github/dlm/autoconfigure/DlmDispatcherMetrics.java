package io.github.dlm.autoconfigure;

import java.util.Set;
import java.util.TreeSet;
import java.util.function.ToLongFunction;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

import org.jspecify.annotations.Nullable;

import io.github.dlm.core.DlmDispatcherStats;

/**
 * Micrometer meters of the {@link DlmDispatchers}, tagged {@code lockspace} (summed over the
 * lockspace's open handles): {@code dlm.dispatcher.completions},
 * {@code dlm.dispatcher.blocking.callbacks}, {@code dlm.dispatcher.caller.completions} and
 * {@code dlm.dispatcher.callback.time} (seconds spent delivering on the dispatcher thread).
 * Meters are registered for the lockspaces open when the binder is bound and for the ones
 * named at construction (the default lockspace, opened later by the registries).
 */
public class DlmDispatcherMetrics implements MeterBinder {

	private final DlmDispatchers dispatchers;

	private final Set<String> lockspaces;

	/**
	 * Creates the binder.
	 * @param dispatchers the dispatchers to measure
	 * @param lockspaces lockspaces to measure even if not open yet at binding
	 */
	public DlmDispatcherMetrics(DlmDispatchers dispatchers, Set<String> lockspaces) {
		this.dispatchers = dispatchers;
		this.lockspaces = Set.copyOf(lockspaces);
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		Set<String> names = new TreeSet<>(this.lockspaces);
		this.dispatchers.stats().forEach((stats) -> names.add(stats.lockspace()));
		for (String lockspace : names) {
			counter(registry, "dlm.dispatcher.completions", "Lock completions delivered", lockspace,
					DlmDispatcherStats::completions, null);
			counter(registry, "dlm.dispatcher.blocking.callbacks", "Blocking callbacks delivered", lockspace,
					DlmDispatcherStats::blockingCallbacks, null);
			counter(registry, "dlm.dispatcher.caller.completions",
					"Lock completions delivered on the requesting thread rather than the dispatcher thread",
					lockspace, DlmDispatcherStats::callerCompletions, null);
			counter(registry, "dlm.dispatcher.callback.time", "Time the dispatcher thread spent delivering",
					lockspace, DlmDispatcherStats::callbackNanos, "seconds");
		}
	}

	private void counter(MeterRegistry registry, String name, String description, String lockspace,
			ToLongFunction<DlmDispatcherStats> value, @Nullable String baseUnit) {
		double scale = (baseUnit != null) ? 1e-9 : 1;
		FunctionCounter.builder(name, this.dispatchers, (dispatchers) -> scale * sum(dispatchers, lockspace, value))
			.description(description)
			.baseUnit(baseUnit)
			.tag("lockspace", lockspace)
			.register(registry);
	}

	private static long sum(DlmDispatchers dispatchers, String lockspace, ToLongFunction<DlmDispatcherStats> value) {
		return dispatchers.stats()
			.stream()
			.filter((stats) -> stats.lockspace().equals(lockspace))
			.mapToLong(value)
			.sum();
	}

}
