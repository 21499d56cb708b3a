package io.github.dlm.lock.observation;

import io.micrometer.common.KeyValues;

import io.github.dlm.lock.observation.DlmLockObservation.AcquisitionKeyNames;

/**
 * The default {@link DlmLockObservationConvention}: observation {@code dlm.lock.acquire},
 * span {@code dlm acquire}, low-cardinality {@code lockspace}, {@code mode},
 * {@code backend}, {@code owner} and {@code outcome}, high-cardinality {@code key} and
 * {@code resource}.
 */
public class DefaultDlmLockObservationConvention implements DlmLockObservationConvention {

	/** A shared instance. */
	public static final DefaultDlmLockObservationConvention INSTANCE = new DefaultDlmLockObservationConvention();

	@Override
	public String getName() {
		return "dlm.lock.acquire";
	}

	@Override
	public String getContextualName(DlmLockObservationContext context) {
		return "dlm acquire";
	}

	@Override
	public KeyValues getLowCardinalityKeyValues(DlmLockObservationContext context) {
		DlmLockOutcome outcome = context.getOutcome();
		return ObservationKeyValues.lowCardinality(context)
			.and(AcquisitionKeyNames.OUTCOME.withValue((outcome != null) ? outcome.value() : "waiting"));
	}

	@Override
	public KeyValues getHighCardinalityKeyValues(DlmLockObservationContext context) {
		return ObservationKeyValues.highCardinality(context);
	}

}
