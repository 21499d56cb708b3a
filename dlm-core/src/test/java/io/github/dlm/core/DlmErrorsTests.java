package io.github.dlm.core;

import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link DlmErrors}: the advice is in the library's own terms.
 */
class DlmErrorsTests {

	private static final DlmResourceName NAME = DlmResourceName.of("order-42");

	@Test
	void noMessageNamesAConfigurationProperty() {
		IntStream.rangeClosed(0, 130).forEach((errno) -> {
			assertThat(DlmErrors.toException(errno, "open lockspace", "orders", null).getMessage())
				.doesNotContain("dlm.");
			assertThat(DlmErrors.toException(errno, "lock EX", "orders", NAME).getMessage()).doesNotContain("dlm.");
		});
	}

	@Test
	void missingLockspaceNamesTheOptionAndTheTool() {
		DlmException ex = DlmErrors.toException(Errno.ENOENT, "open lockspace", "orders", null);
		assertThat(ex).isInstanceOf(DlmLockspaceNotFoundException.class);
		assertThat(ex.getMessage()).contains("LockspaceOptions with create true").contains("dlm_tool join orders");
	}

	@Test
	void permissionNamesTheCapabilityTheOptionsAndTheDevice() {
		DlmException ex = DlmErrors.toException(Errno.EPERM, "create lockspace", "orders", null);
		assertThat(ex).isInstanceOf(DlmPermissionException.class);
		assertThat(ex.getMessage()).contains("CAP_SYS_ADMIN")
			.contains("dlm_tool join orders")
			.contains("LockspaceOptions with create false")
			.contains("LockspaceOptions.permissions")
			.contains("/dev/misc/dlm_orders");
	}

	@ParameterizedTest
	@EnumSource(DlmStatus.class)
	void everyStatusHasAnException(DlmStatus status) {
		DlmException ex = DlmErrors.toException(status, "lock EX", "orders", NAME);
		assertThat(ex.getMessage()).startsWith("DLM lock EX of lock 'order-42' in lockspace 'orders' failed: ");
		switch (status) {
			case NOT_GRANTED -> assertThat(ex).isInstanceOf(DlmNotGrantedException.class)
				.extracting(DlmException::getErrno).isEqualTo(Errno.EAGAIN);
			case DEADLOCK -> assertThat(ex).isInstanceOf(DlmDeadlockException.class)
				.extracting(DlmException::getErrno).isEqualTo(Errno.EDEADLK);
			case CANCELLED -> assertThat(ex).isInstanceOf(DlmCancelledException.class);
			case GRANTED, UNLOCKED -> assertThat(ex).isExactlyInstanceOf(DlmException.class);
		}
	}

}
