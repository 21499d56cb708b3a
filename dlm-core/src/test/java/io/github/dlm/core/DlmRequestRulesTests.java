package io.github.dlm.core;

import java.util.EnumSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNoException;

/**
 * Tests for {@link DlmRequestRules}; which combinations each backend refuses is pinned by
 * the backend contract suite.
 */
class DlmRequestRulesTests {

	private static final DlmResourceName NAME = DlmResourceName.of("order-42");

	@Test
	void refusalNamesTheRequestTheLockAndTheRule() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> DlmRequestRules.check(DlmMode.EX, EnumSet.of(DlmFlag.QUECVT), null, NAME))
			.withMessage("Invalid DLM request for EX on lock 'order-42' (the kernel answers EINVAL): QUECVT is only "
					+ "valid on a conversion; request the lock first");
	}

	@Test
	void quecvtAppliesToUpConversionsOnly() {
		assertThat(DlmRequestRules.allowsQueuedConversion(DlmMode.PR, DlmMode.CW)).isTrue();
		assertThat(DlmRequestRules.allowsQueuedConversion(DlmMode.CW, DlmMode.PR)).isTrue();
		assertThat(DlmRequestRules.allowsQueuedConversion(DlmMode.EX, DlmMode.PR)).isFalse();
		assertThat(DlmRequestRules.allowsQueuedConversion(DlmMode.PR, DlmMode.PR)).isFalse();
		assertThatNoException()
			.isThrownBy(() -> DlmRequestRules.check(DlmMode.EX, EnumSet.of(DlmFlag.QUECVT), DlmMode.PR, NAME));
		assertThatIllegalArgumentException()
			.isThrownBy(() -> DlmRequestRules.check(DlmMode.NL, EnumSet.of(DlmFlag.QUECVT), DlmMode.EX, NAME))
			.withMessageContaining("from EX to NL");
	}

	@Test
	void expediteIsForNewNullModeRequestsAlone() {
		assertThatNoException()
			.isThrownBy(() -> DlmRequestRules.check(DlmMode.NL, EnumSet.of(DlmFlag.EXPEDITE), null, NAME));
		assertThatIllegalArgumentException()
			.isThrownBy(() -> DlmRequestRules.check(DlmMode.PR, EnumSet.of(DlmFlag.EXPEDITE), null, NAME))
			.withMessageContaining("only valid for NL requests, not PR");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> DlmRequestRules.check(DlmMode.NL, EnumSet.of(DlmFlag.EXPEDITE), DlmMode.NL, NAME))
			.withMessageContaining("not on a conversion");
	}

	@Test
	void plainRequestsPass() {
		assertThatNoException().isThrownBy(() -> DlmRequestRules.check(DlmMode.EX, Set.of(), null, NAME));
		assertThatNoException().isThrownBy(() -> DlmRequestRules.check(DlmMode.PR, Set.of(), DlmMode.EX, NAME));
	}

}
