package io.github.dlm.contract;

import java.util.ArrayList;
import java.util.List;

import io.github.dlm.core.LockspaceOptions;
import io.github.dlm.local.LocalDlmClient;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The random operation sequences that hold the local engine to the kernel DLM (see
 * {@link OperationSequences}) give the same trace every time on the local engine, so that a
 * difference from the kernel's trace is a difference of behaviour, never of luck.
 */
class LocalOperationSequencesTests {

	private static final int SEQUENCES = 300;

	private static final int STEPS = 30;

	@Test
	void everySeedGivesTheSameTraceTwice() {
		List<List<String>> first = runAll("a");
		List<List<String>> second = runAll("b");
		for (int seed = 0; seed < SEQUENCES; seed++) {
			assertThat(OperationSequences.firstDifference(first.get(seed), second.get(seed), "first run", "second run"))
				.as("seed %d", seed)
				.isNull();
		}
		long steps = first.stream().mapToLong(List::size).sum();
		assertThat(steps).isGreaterThanOrEqualTo((long) SEQUENCES * STEPS);
	}

	private static List<List<String>> runAll(String lockspaceSuffix) {
		List<List<String>> traces = new ArrayList<>();
		try (LocalDlmClient client = new LocalDlmClient();
				var lockspace = client.openLockspace("seq" + lockspaceSuffix, LockspaceOptions.DEFAULTS)) {
			OperationSequences sequences = new OperationSequences(lockspace, OperationSequences.Options.ALL);
			for (int seed = 0; seed < SEQUENCES; seed++) {
				traces.add(sequences.run(seed, STEPS));
			}
			sequences.close();
			assertThat(client.dump("seq" + lockspaceSuffix)).as("locks left").isEmpty();
		}
		return traces;
	}

}
