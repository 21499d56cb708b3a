package io.github.dlm.jna;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import io.github.dlm.core.DlmLockspaceCondition;
import io.github.dlm.core.DlmLockspaceState;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link KernelLockspaceStateSource} against a directory tree laid out like
 * {@code /sys/kernel/dlm} and {@code dlm_tool ls} output in a file, both as seen on a
 * node of the test cluster during a partition.
 */
class KernelLockspaceStateSourceTests {

	private static final String DLM_TOOL_LS_WAIT_QUORUM = """
			dlm lockspaces
			name          other
			id            0x1234abcd
			flags         0x00000000
			change        member 3 joined 1 remove 0 failed 0 seq 1,1
			members       1 2 3

			name          ls1
			id            0x325bf937
			flags         0x00000004 kern_stop
			change        member 3 joined 1 remove 0 failed 0 seq 1,1
			members       1 2 3
			new change    member 1 joined 0 remove 2 failed 2 seq 2,2
			new status    wait quorum
			new members   3
			""";

	private static final String DLM_TOOL_LS_WAIT_FENCING = """
			dlm lockspaces
			name          ls1
			id            0x325bf937
			flags         0x00000004 kern_stop
			change        member 3 joined 1 remove 0 failed 0 seq 3,3
			members       1 2 3
			new change    member 2 joined 0 remove 1 failed 1 seq 4,4
			new status    wait fencing
			new members   1 2
			""";

	@TempDir
	Path sysfs;

	@TempDir
	Path work;

	private Path controldOutput;

	@BeforeEach
	void controldOutput() throws IOException {
		this.controldOutput = this.work.resolve("dlm_tool-ls.out");
		Files.writeString(this.controldOutput, "dlm lockspaces\n");
	}

	private KernelLockspaceStateSource source() {
		return new KernelLockspaceStateSource(this.sysfs, List.of("cat", this.controldOutput.toString()),
				Duration.ofSeconds(30));
	}

	private void recoverStatus(String lockspace, String status) throws IOException {
		Files.createDirectories(this.sysfs.resolve(lockspace));
		Files.writeString(this.sysfs.resolve(lockspace).resolve("recover_status"), status + "\n");
	}

	@Test
	void doneBitOnTheLowestNodeIsRunning() throws IOException {
		recoverStatus("ls1", "ff");
		DlmLockspaceCondition condition = source().read("ls1");
		assertThat(condition.state()).isEqualTo(DlmLockspaceState.RUNNING);
		assertThat(condition.cause()).isEqualTo("recover_status 0xff");
	}

	@Test
	void doneBitOnAnotherNodeIsRunning() throws IOException {
		recoverStatus("ls1", "55");
		assertThat(source().read("ls1").state()).isEqualTo(DlmLockspaceState.RUNNING);
	}

	@Test
	void stoppedWaitingForQuorumIsNoQuorum() throws IOException {
		recoverStatus("ls1", "0");
		Files.writeString(this.controldOutput, DLM_TOOL_LS_WAIT_QUORUM);
		DlmLockspaceCondition condition = source().read("ls1");
		assertThat(condition.state()).isEqualTo(DlmLockspaceState.NO_QUORUM);
		assertThat(condition.cause()).isEqualTo("recover_status 0x0 (stopped); dlm_controld: new change member 1 "
				+ "joined 0 remove 2 failed 2 seq 2,2, status wait quorum");
	}

	@Test
	void stoppedWaitingForFencingIsRecovering() throws IOException {
		recoverStatus("ls1", "0");
		Files.writeString(this.controldOutput, DLM_TOOL_LS_WAIT_FENCING);
		DlmLockspaceCondition condition = source().read("ls1");
		assertThat(condition.state()).isEqualTo(DlmLockspaceState.RECOVERING);
		assertThat(condition.cause()).endsWith("status wait fencing");
	}

	@Test
	void recoveryUnderWayIsRecovering() throws IOException {
		recoverStatus("ls1", "15");
		DlmLockspaceCondition condition = source().read("ls1");
		assertThat(condition.state()).isEqualTo(DlmLockspaceState.RECOVERING);
		assertThat(condition.cause()).isEqualTo(
				"recover_status 0x15 (stopped); dlm_controld reports no pending change (lockspace 'ls1' not listed)");
	}

	@Test
	void anotherLockspacesQuorumWaitDoesNotCount() throws IOException {
		recoverStatus("other", "0");
		Files.writeString(this.controldOutput, DLM_TOOL_LS_WAIT_QUORUM);
		DlmLockspaceCondition condition = source().read("other");
		assertThat(condition.state()).isEqualTo(DlmLockspaceState.RECOVERING);
		assertThat(condition.cause()).endsWith("dlm_controld reports no pending change");
	}

	@Test
	void noDirectoryIsLeft() {
		DlmLockspaceCondition condition = source().read("ls1");
		assertThat(condition.state()).isEqualTo(DlmLockspaceState.LEFT);
		assertThat(condition.cause()).contains(this.sysfs.resolve("ls1").toString());
	}

	@Test
	void controldThatCannotBeAskedLeavesRecovering() throws IOException {
		recoverStatus("ls1", "0");
		KernelLockspaceStateSource source = new KernelLockspaceStateSource(this.sysfs,
				List.of("cat", this.work.resolve("missing").toString()), Duration.ofSeconds(30));
		DlmLockspaceCondition condition = source.read("ls1");
		assertThat(condition.state()).isEqualTo(DlmLockspaceState.RECOVERING);
		assertThat(condition.cause()).startsWith("recover_status 0x0 (stopped); dlm_controld not asked: cat ")
			.contains("exited with 1");
	}

	@Test
	void controldThatDoesNotAnswerLeavesRecovering() throws IOException {
		recoverStatus("ls1", "0");
		KernelLockspaceStateSource source = new KernelLockspaceStateSource(this.sysfs, List.of("sleep", "600"),
				Duration.ofMillis(50));
		DlmLockspaceCondition condition = source.read("ls1");
		assertThat(condition.state()).isEqualTo(DlmLockspaceState.RECOVERING);
		assertThat(condition.cause()).endsWith("dlm_controld not asked: sleep 600 did not answer within 50 ms");
	}

	@Test
	void unreadableStatusIsRecovering() throws IOException {
		recoverStatus("ls1", "garbage");
		assertThat(source().read("ls1").state()).isEqualTo(DlmLockspaceState.RECOVERING);
	}

}
