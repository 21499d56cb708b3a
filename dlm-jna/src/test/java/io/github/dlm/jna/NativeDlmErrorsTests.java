package io.github.dlm.jna;

import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.github.dlm.core.DlmBusyException;
import io.github.dlm.core.DlmCancelledException;
import io.github.dlm.core.DlmDeadlockException;
import io.github.dlm.core.DlmErrors;
import io.github.dlm.core.DlmException;
import io.github.dlm.core.DlmInvalidRequestException;
import io.github.dlm.core.DlmLockspaceExistsException;
import io.github.dlm.core.DlmLockspaceNotFoundException;
import io.github.dlm.core.DlmNotGrantedException;
import io.github.dlm.core.DlmPermissionException;
import io.github.dlm.core.DlmResourceName;
import io.github.dlm.core.DlmStatus;
import io.github.dlm.core.DlmUnavailableException;
import io.github.dlm.core.Errno;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every errno and error status the native backend can meet (call results and
 * {@code sb_status} values, see libdlm-internals.md §6) maps to its exception, with the
 * operation, the lock and the lockspace named.
 */
class NativeDlmErrorsTests {

	private static final DlmResourceName ORDER = DlmResourceName.of("order-42");

	static Stream<Arguments> errors() {
		return Stream.of(Arguments.of(11, "EAGAIN", DlmNotGrantedException.class, "incompatible mode"),
				Arguments.of(35, "EDEADLK", DlmDeadlockException.class, "CONVDEADLK"),
				Arguments.of(22, "EINVAL", DlmInvalidRequestException.class, "flag combination"),
				Arguments.of(12, "ENOMEM", DlmException.class, "out of memory"),
				Arguments.of(16, "EBUSY", DlmBusyException.class, "in flight"),
				Arguments.of(115, "EINPROGRESS", DlmBusyException.class, "already under way"),
				Arguments.of(1, "EPERM", DlmPermissionException.class, "CAP_SYS_ADMIN"),
				Arguments.of(13, "EACCES", DlmPermissionException.class, "/dev/misc/dlm_orders"),
				Arguments.of(2, "ENOENT", DlmLockspaceNotFoundException.class, "no longer exists"),
				Arguments.of(17, "EEXIST", DlmLockspaceExistsException.class, "already exists"),
				Arguments.of(49, "EUNATCH", DlmUnavailableException.class, "dlm_controld"),
				Arguments.of(99, "EADDRNOTAVAIL", DlmUnavailableException.class, "corosync.conf"));
	}

	@ParameterizedTest(name = "{1}")
	@MethodSource("errors")
	void lockErrorsNameTheLockTheLockspaceAndTheCause(int errno, String name, Class<? extends DlmException> type,
			String hint) {
		DlmException ex = DlmErrors.toException(errno, "lock EX", "orders", ORDER);
		assertThat(ex).isExactlyInstanceOf(type);
		assertThat(ex.getErrno()).isEqualTo(errno);
		assertThat(Errno.name(errno)).isEqualTo(name);
		assertThat(ex.getMessage()).contains("lock EX").contains("'order-42'").contains("'orders'").contains(hint);
	}

	@ParameterizedTest(name = "{1}")
	@MethodSource("errors")
	void lockspaceErrorsNameTheLockspace(int errno, String name, Class<? extends DlmException> type, String hint) {
		DlmException ex = DlmErrors.toException(errno, "open lockspace", "orders", null);
		assertThat(ex).isExactlyInstanceOf(type);
		assertThat(ex.getMessage()).contains("open lockspace of lockspace 'orders'").doesNotContain("lock '");
	}

	@ParameterizedTest(name = "{1}")
	@MethodSource("errors")
	void binaryLockNamesArePrintedInHex(int errno, String name, Class<? extends DlmException> type, String hint) {
		DlmException ex = DlmErrors.toException(errno, "unlock", "ls",
				DlmResourceName.of(new byte[] { 0, 1, (byte) 0xff }));
		assertThat(ex.getMessage()).contains("lock '0x0001ff'");
	}

	static Stream<Arguments> statuses() {
		return Stream.of(Arguments.of(11, DlmStatus.NOT_GRANTED, DlmNotGrantedException.class, "incompatible mode"),
				Arguments.of(35, DlmStatus.DEADLOCK, DlmDeadlockException.class, "CONVDEADLK"),
				Arguments.of(LibDlm.ECANCEL, DlmStatus.CANCELLED, DlmCancelledException.class, "cancelled"));
	}

	@ParameterizedTest(name = "{1}")
	@MethodSource("statuses")
	void statusesThatEndARequestMapToTheirExceptions(int sbStatus, DlmStatus status,
			Class<? extends DlmException> type, String hint) {
		assertThat(DlmLksb.statusOf(sbStatus)).isEqualTo(status);
		DlmException ex = DlmErrors.toException(status, "lock EX", "orders", ORDER);
		assertThat(ex).isExactlyInstanceOf(type);
		assertThat(ex.getMessage()).contains("lock EX").contains("'order-42'").contains("'orders'").contains(hint);
	}

	@Test
	void statusBlockValuesThatAreNoOutcomeHaveNoStatus() {
		assertThat(DlmLksb.statusOf(0)).isEqualTo(DlmStatus.GRANTED);
		assertThat(DlmLksb.statusOf(LibDlm.EUNLOCK)).isEqualTo(DlmStatus.UNLOCKED);
		assertThat(DlmLksb.statusOf(LibDlm.EINPROG)).isNull();
		assertThat(DlmLksb.statusOf(Errno.EINVAL)).isNull();
	}

}
