package io.github.dlm.lock.observation;

import io.micrometer.common.KeyValues;

import io.github.dlm.lock.observation.DlmLockObservation.LockKeyNames;
import io.github.dlm.lock.observation.DlmLockObservation.ResourceKeyNames;

/**
 * The key values both default conventions give.
 */
final class ObservationKeyValues {

	private ObservationKeyValues() {
	}

	static KeyValues lowCardinality(DlmObservationContext context) {
		return KeyValues.of(LockKeyNames.LOCKSPACE.withValue(context.getLockspace()),
				LockKeyNames.MODE.withValue(context.getMode().name()),
				LockKeyNames.BACKEND.withValue(context.getBackend()),
				LockKeyNames.OWNER.withValue(context.isAsynchronous() ? "async" : "thread"));
	}

	static KeyValues highCardinality(DlmObservationContext context) {
		return KeyValues.of(ResourceKeyNames.KEY.withValue(context.getKey()),
				ResourceKeyNames.RESOURCE.withValue(context.getResource()));
	}

}
