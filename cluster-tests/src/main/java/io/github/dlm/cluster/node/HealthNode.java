package io.github.dlm.cluster.node;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.github.dlm.core.DlmMode;
import io.github.dlm.core.LockspaceOptions;
import io.github.dlm.health.DlmHealthIndicator;
import io.github.dlm.jna.NativeDlmClient;
import io.github.dlm.lock.DlmLockRegistries;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

/**
 * Runs the starter's health indicator on the native backend before and after the cluster
 * changes under it.
 * <p>
 * {@code health RUNDIR LOCKSPACE TIMEOUT_MS}: opens the lockspace through
 * {@link DlmLockRegistries}, checks health once and writes the result to
 * {@code RUNDIR/first} ({@code STATUS details}); waits for {@code RUNDIR/go}; then checks
 * once a second for up to two minutes until the health is DOWN and writes that result to
 * {@code RUNDIR/down} (or {@code RUNDIR/still-up} if it never is). It then halts without
 * closing anything: with the lockspace in recovery, closing would wait for recovery too.
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
		DlmLockRegistries registries = new DlmLockRegistries(new NativeDlmClient(), args[2], LockspaceOptions.DEFAULTS,
				DlmMode.EX);
		registries.registry();
		DlmHealthIndicator indicator = new DlmHealthIndicator(registries, Duration.ofMillis(Long.parseLong(args[3])));
		report(runDir.resolve("first"), indicator.health());
		Path go = runDir.resolve("go");
		while (!Files.exists(go)) {
			TimeUnit.MILLISECONDS.sleep(100);
		}
		long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
		Health health = indicator.health();
		while (!Status.DOWN.equals(health.getStatus()) && System.nanoTime() < deadline) {
			TimeUnit.SECONDS.sleep(1);
			health = indicator.health();
		}
		report(runDir.resolve(Status.DOWN.equals(health.getStatus()) ? "down" : "still-up"), health);
		Runtime.getRuntime().halt(0);
	}

	private static void report(Path file, Health health) throws Exception {
		String line = health.getStatus() + " " + health.getDetails();
		System.out.println(file.getFileName() + ": " + line);
		// complete before it appears: the test reads it as soon as it exists
		Path written = Files.writeString(file.resolveSibling(file.getFileName() + ".tmp"), line + "\n");
		Files.move(written, file, StandardCopyOption.ATOMIC_MOVE);
	}

}
