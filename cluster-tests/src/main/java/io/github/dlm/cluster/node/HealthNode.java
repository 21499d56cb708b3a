package io.github.dlm.cluster.node;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.github.dlm.core.DlmClient;
import io.github.dlm.core.DlmLockspace;
import io.github.dlm.core.LockspaceOptions;
import io.github.dlm.jna.NativeDlmClient;
import io.github.dlm.lock.DlmLockspaceProbe;

/**
 * Runs the library's lockspace probe (what the starter's health indicator reports) on the
 * native backend before and after the cluster changes under it.
 * <p>
 * {@code health RUNDIR LOCKSPACE TIMEOUT_MS}: opens the lockspace, probes it once and writes
 * the result to {@code RUNDIR/first} ({@code STATUS details}, the status {@code UP} or
 * {@code DOWN}); waits for {@code RUNDIR/go}; then probes once a second for up to two
 * minutes until the status is DOWN and writes that result to {@code RUNDIR/down} (or
 * {@code RUNDIR/still-up} if it never is). It then halts without closing anything: with
 * the lockspace in recovery, closing would wait for recovery too.
 */
public final class HealthNode {

	private HealthNode() {
	}

	/**
	 * Entry point.
	 * @param args {@code health RUNDIR LOCKSPACE TIMEOUT_MS}
	 * @throws Exception on any failure, which ends the program with a stack trace
	 */
	public static void main(String[] args) throws Exception {
		if (args.length != 4 || !args[0].equals("health")) {
			System.err.println("usage: HealthNode health RUNDIR LOCKSPACE TIMEOUT_MS");
			System.exit(2);
		}
		Path runDir = Path.of(args[1]);
		DlmClient client = new NativeDlmClient();
		DlmLockspace lockspace = client.openLockspace(args[2], LockspaceOptions.DEFAULTS);
		DlmLockspaceProbe probe = new DlmLockspaceProbe(Duration.ofMillis(Long.parseLong(args[3])));
		DlmLockspaceProbe.Result result = probe.probe(lockspace);
		report(runDir.resolve("first"), client, lockspace, result);
		Path go = runDir.resolve("go");
		while (!Files.exists(go)) {
			TimeUnit.MILLISECONDS.sleep(100);
		}
		long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
		result = probe.probe(lockspace);
		while (result.isAnswered() && System.nanoTime() < deadline) {
			TimeUnit.SECONDS.sleep(1);
			result = probe.probe(lockspace);
		}
		report(runDir.resolve(result.isAnswered() ? "still-up" : "down"), client, lockspace, result);
		Runtime.getRuntime().halt(0);
	}

	/**
	 * Writes {@code STATUS {backend=..., lockspaces={NAME={status=..., roundTripMicros=...}}}}
	 * (or {@code error=...} instead of the round trip), the form the health endpoint shows.
	 */
	private static void report(Path file, DlmClient client, DlmLockspace lockspace, DlmLockspaceProbe.Result result)
			throws Exception {
		String status = result.isAnswered() ? "UP" : "DOWN";
		Map<String, Object> probed = new LinkedHashMap<>();
		probed.put("status", status);
		if (result instanceof DlmLockspaceProbe.Answered answered) {
			probed.put("roundTripMicros", answered.roundTrip().toNanos() / 1000);
		}
		else if (result instanceof DlmLockspaceProbe.Failed failed) {
			probed.put("error", String.valueOf(failed.error()));
		}
		else if (result instanceof DlmLockspaceProbe.Unanswered unanswered) {
			probed.put("error", unanswered.message());
		}
		Map<String, Object> details = new LinkedHashMap<>();
		details.put("backend", client.backendName());
		details.put("lockspaces", Map.of(lockspace.name(), probed));
		String line = status + " " + details;
		System.out.println(file.getFileName() + ": " + line);
		// complete before it appears: the test reads it as soon as it exists
		Path written = Files.writeString(file.resolveSibling(file.getFileName() + ".tmp"), line + "\n");
		Files.move(written, file, StandardCopyOption.ATOMIC_MOVE);
	}

}
