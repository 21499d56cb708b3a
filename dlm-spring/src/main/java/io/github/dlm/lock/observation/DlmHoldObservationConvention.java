package io.github.dlm.lock.observation;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;

/**
 * An {@link ObservationConvention} for {@linkplain DlmLockObservation#HOLD holds}:
 * implement it (or extend {@link DefaultDlmHoldObservationConvention}) to change their name
 * or key values, and set it on the registry or the {@code ObservationRegistry}.
 */
public interface DlmHoldObservationConvention extends ObservationConvention<DlmHoldObservationContext> {

	@Override
	default boolean supportsContext(Observation.Context context) {
		return context instanceof DlmHoldObservationContext;
	}

}
