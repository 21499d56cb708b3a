package io.github.dlm.lock.observation;

import io.micrometer.common.KeyValues;

/**
 * The default {@link DlmHoldObservationConvention}: observation {@code dlm.lock.hold},
 * span {@code dlm hold}, low-cardinality {@code lockspace}, {@code mode}, {@code backend}
 * and {@code owner}, high-cardinality {@code key} and {@code resource}.
 */
public class DefaultDlmHoldObservationConvention implements DlmHoldObservationConvention {

	/** A shared instance. */
	public static final DefaultDlmHoldObservationConvention INSTANCE = new DefaultDlmHoldObservationConvention();

	@Override
	public String getName() {
		return "dlm.lock.hold";
	}

	@Override
	public String getContextualName(DlmHoldObservationContext context) {
		return "dlm hold";
	}

	@Override
	public KeyValues getLowCardinalityKeyValues(DlmHoldObservationContext context) {
		return ObservationKeyValues.lowCardinality(context);
	}

	@Override
	public KeyValues getHighCardinalityKeyValues(DlmHoldObservationContext context) {
		return ObservationKeyValues.highCardinality(context);
	}

}
