package io.github.dlm.lock.observation;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;

/**
 * An {@link ObservationConvention} for {@linkplain DlmLockObservation#ACQUISITION lock
 * acquisitions}: implement it (or extend {@link DefaultDlmLockObservationConvention}) to
 * change their name or key values, and set it on the registry or the
 * {@code ObservationRegistry}.
 */
public interface DlmLockObservationConvention extends ObservationConvention<DlmLockObservationContext> {

	@Override
	default boolean supportsContext(Observation.Context context) {
		return context instanceof DlmLockObservationContext;
	}

}
