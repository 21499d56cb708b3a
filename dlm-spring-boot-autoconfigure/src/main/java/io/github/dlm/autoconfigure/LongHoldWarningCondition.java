package io.github.dlm.autoconfigure;

import java.time.Duration;

import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Matches unless {@code dlm.registry.warn-held-longer-than} is 0: the warning of long holds
 * is on by default.
 */
final class LongHoldWarningCondition extends SpringBootCondition {

	private static final String PROPERTY = "dlm.registry.warn-held-longer-than";

	@Override
	public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
		Duration threshold = Binder.get(context.getEnvironment())
			.bind(PROPERTY, Duration.class)
			.orElseGet(() -> new DlmProperties.Registry().getWarnHeldLongerThan());
		if (threshold.isZero()) {
			return ConditionOutcome.noMatch(PROPERTY + " is 0");
		}
		return ConditionOutcome.match(PROPERTY + " is " + threshold);
	}

}
