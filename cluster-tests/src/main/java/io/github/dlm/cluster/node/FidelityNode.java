package io.github.dlm.cluster.node;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import io.github.dlm.contract.OperationSequences;
import io.github.dlm.core.DlmClient;
import io.github.dlm.core.DlmLockspace;
import io.github.dlm.core.LockspaceOptions;
import io.github.dlm.jna.NativeDlmClient;
import io.github.dlm.local.LocalDlmClient;

/**
 * Runs the same seeded operation sequences ({@link OperationSequences}) on the kernel DLM
 * (native backend) and on the local engine in this JVM, and compares their traces.
 * <p>
 * {@code fidelity RUNDIR LOCKSPACE PREFIX FIRSTSEED COUNT STEPS}: runs seeds FIRSTSEED ..
 * FIRSTSEED+COUNT-1, STEPS steps each, on resources named PREFIX... (unique per run, so that
 * no resource of an earlier run is still known to the kernel), first on the kernel in
 * lockspace LOCKSPACE, then on the local engine. Writes {@code RUNDIR/report.txt}: a summary
 * line {@code FIDELITY sequences=.. steps=.. native_ms=.. local_ms=.. differing=..}, then the
 * first difference of every differing seed; and {@code RUNDIR/trace-<seed>-native.txt} and
 * {@code -local.txt} for the first five of them. Prints the summary line. Exit status 0
 * whether or not they differ (the host judges), 1 if a run failed.
 */
public final class FidelityNode {

	private static final int TRACES_KEPT = 5;

	private FidelityNode() {
	}

	/**
	 * Entry point.
	 * @param args {@code fidelity RUNDIR LOCKSPACE PREFIX FIRSTSEED COUNT STEPS}
	 * @throws Exception on any failure, which ends the program with a stack trace
	 */
	public static void main(String[] args) throws Exception {
		if (args.length != 7 || !args[0].equals("fidelity")) {
			System.err.println("usage: FidelityNode fidelity RUNDIR LOCKSPACE PREFIX FIRSTSEED COUNT STEPS");
			System.exit(2);
		}
		Path runDir = Path.of(args[1]);
		String lockspace = args[2];
		OperationSequences.Options options = OperationSequences.Options.ALL.withResourcePrefix(args[3]);
		long first = Long.parseLong(args[4]);
		int count = Integer.parseInt(args[5]);
		int steps = Integer.parseInt(args[6]);

		long start = System.nanoTime();
		List<List<String>> kernel = run(new NativeDlmClient(), lockspace, options, first, count, steps);
		long kernelNanos = System.nanoTime() - start;
		start = System.nanoTime();
		List<List<String>> local = run(new LocalDlmClient(), lockspace, options, first, count, steps);
		long localNanos = System.nanoTime() - start;

		List<String> differences = new ArrayList<>();
		long totalSteps = 0;
		for (int i = 0; i < count; i++) {
			long seed = first + i;
			totalSteps += kernel.get(i).size();
			String difference = OperationSequences.firstDifference(kernel.get(i), local.get(i), "kernel", "local ");
			if (difference != null) {
				if (differences.size() < TRACES_KEPT) {
					write(runDir.resolve("trace-" + seed + "-native.txt"), String.join("\n", kernel.get(i)));
					write(runDir.resolve("trace-" + seed + "-local.txt"), String.join("\n", local.get(i)));
				}
				differences.add("seed " + seed + ": " + difference);
			}
		}
		String summary = String.format("FIDELITY sequences=%d steps=%d native_ms=%d local_ms=%d differing=%d", count,
				totalSteps, kernelNanos / 1_000_000, localNanos / 1_000_000, differences.size());
		StringBuilder report = new StringBuilder(summary).append('\n');
		differences.forEach((difference) -> report.append(difference).append('\n'));
		write(runDir.resolve("report.txt"), report.toString());
		System.out.println(summary);
	}

	private static List<List<String>> run(DlmClient client, String name, OperationSequences.Options options,
			long first, int count, int steps) {
		List<List<String>> traces = new ArrayList<>(count);
		try (client; DlmLockspace lockspace = client.openLockspace(name, LockspaceOptions.DEFAULTS)) {
			OperationSequences sequences = new OperationSequences(lockspace, options);
			for (int i = 0; i < count; i++) {
				traces.add(sequences.run(first + i, steps));
			}
			sequences.close();
		}
		return traces;
	}

	private static void write(Path file, String text) throws IOException {
		Files.writeString(file, text + "\n", StandardCharsets.UTF_8);
	}

}
