package io.github.dlm.cluster;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import io.github.dlm.cluster.node.FidelityNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The local engine's fidelity to the kernel DLM, measured: the same seeded random operation
 * sequences ({@code io.github.dlm.contract.OperationSequences}) run on the kernel through
 * the native backend in node 1 and on the local engine in the same JVM there
 * ({@link FidelityNode}), and their traces must be equal. Deterministic: every step is
 * followed by a barrier, and nothing in a trace depends on timing. A difference fails the
 * test with the first differing step of each seed; it is either fixed in the local engine
 * or listed in {@code LocalDlmClient}'s Javadoc and kept out of the generator.
 */
@ExtendWith(ClusterExtension.class)
class LocalFidelityClusterIT {

	/** ≈ 10,000 steps, 30-60 s on the kernel in a TCG node (4,000 sequences and 600 of 100 steps ran clean by hand). */
	private static final int SEQUENCES = 300;

	private static final int STEPS = 30;

	@Test
	void localEngineTracesEqualTheKernelsForTheSameOperationSequences(VmCluster cluster) throws Exception {
		Path run = cluster.newRunDirectory("fidelity");
		String prefix = "f" + Long.toString(System.currentTimeMillis() % 1_000_000_000L, 36) + "-";
		NodeProcess program = cluster.start(1, cluster.javaCommand(FidelityNode.class, "fidelity",
				cluster.guestPath(run), "fidelity", prefix, 1, SEQUENCES, STEPS), Duration.ofMinutes(30));
		CommandResult result;
		try {
			result = ProgressDeadline.of("the fidelity check in node 1", VmCluster.PROGRAM_STALL, VmCluster.PROGRAM_CAP)
				.polling(Duration.ofSeconds(1))
				.awaitValue(program.progress(), () -> program.isDone() ? program.await() : null);
		}
		finally {
			program.cancel();
		}
		assertThat(result.exitCode()).as(result.describe()).isZero();
		String report = Files.readString(run.resolve("report.txt"));
		System.out.println(report);
		assertThat(report.lines().findFirst().orElse("")).as(report)
			.startsWith("FIDELITY sequences=" + SEQUENCES)
			.endsWith(" differing=0");
	}

}
