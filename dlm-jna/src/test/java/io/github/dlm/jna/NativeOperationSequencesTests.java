package io.github.dlm.jna;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import io.github.dlm.contract.OperationSequences;
import io.github.dlm.core.DlmLockspace;
import io.github.dlm.core.LockspaceOptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The random operation sequences that hold the local engine to the kernel DLM (see
 * {@link OperationSequences}) give the same trace every time through the native backend too,
 * here over the stand-in library of {@link NativeFakeKernelTests}: there every completion
 * comes through the dispatcher thread, racing with the caller, which is what the sequences'
 * barriers and trace rules must make irrelevant. The stand-in is not the kernel (no
 * conversion-deadlock detection, FIFO grants), so its traces are only compared with
 * themselves; the kernel's are compared with the local engine's in the cluster suite.
 */
@Tag(NativeTestSupport.FAKE_LIBDLM)
class NativeOperationSequencesTests {

	private static final int SEQUENCES = 100;

	private static final int STEPS = 30;

	private static LibDlm libDlm;

	private static NativeFakeKernelTests.FakeControl fake;

	@BeforeAll
	static void buildStandIn() throws Exception {
		NativeTestSupport.FakeLibDlm standIn = NativeTestSupport.fakeLibDlm();
		libDlm = standIn.libDlm();
		fake = standIn.control();
	}

	@Test
	void everySeedGivesTheSameTraceTwiceThroughTheDispatcher() {
		List<List<String>> first = runAll();
		List<List<String>> second = runAll();
		for (int seed = 0; seed < SEQUENCES; seed++) {
			assertThat(OperationSequences.firstDifference(first.get(seed), second.get(seed), "first run", "second run"))
				.as("seed %d", seed)
				.isNull();
		}
		assertThat(fake.fake_live_locks()).as("locks left in the stand-in").isZero();
	}

	private static List<List<String>> runAll() {
		String name = "sq" + Long.toString(ThreadLocalRandom.current().nextLong(Long.MAX_VALUE), 36).substring(0, 8);
		List<List<String>> traces = new ArrayList<>();
		try (NativeDlmClient client = new NativeDlmClient(libDlm,
				new NativeDlmSettings(null, "dlm-dispatch-", Duration.ofMillis(50), Duration.ofSeconds(10)));
				DlmLockspace lockspace = client.openLockspace(name, LockspaceOptions.DEFAULTS)) {
			OperationSequences sequences = new OperationSequences(lockspace,
					OperationSequences.Options.ALL.withoutConvdeadlk());
			for (int seed = 0; seed < SEQUENCES; seed++) {
				traces.add(sequences.run(seed, STEPS));
			}
			sequences.close();
		}
		return traces;
	}

}
