package io.github.dlm.cluster.node;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import io.github.dlm.contract.Completions;
import io.github.dlm.core.DlmClient;
import io.github.dlm.core.DlmCompletion;
import io.github.dlm.core.DlmFlag;
import io.github.dlm.core.DlmLockHandle;
import io.github.dlm.core.DlmLockspace;
import io.github.dlm.core.DlmMode;
import io.github.dlm.core.DlmResourceName;
import io.github.dlm.core.LockspaceOptions;
import io.github.dlm.jna.NativeDlmClient;

/**
 * Cross-node mutual exclusion probe, run on every node of the cluster at once.
 * <p>
 * {@code count RUNDIR NODE LOCKSPACE RESOURCE ITERATIONS}: opens the lockspace, writes
 * {@code RUNDIR/ready-NODE}, waits for {@code RUNDIR/go}, then ITERATIONS times takes EX
 * with {@link DlmFlag#VALBLK}, reads a counter from the first 8 bytes of the value block,
 * and releases the lock publishing the counter plus one. Inside each critical section it
 * also creates {@code RUNDIR/critical-section} exclusively on the shared host directory
 * (deleted before the unlock): finding it already there means another node is inside too.
 * Writes every counter value it saw to {@code RUNDIR/values-NODE.txt}, then
 * {@code RUNDIR/finished-NODE}, waits for {@code RUNDIR/release}, releases its keeper lock
 * (below) and prints one {@code RESULT} line. Exit code 0 when no violation was seen.
 * <p>
 * Each node also holds an NL lock on the resource for the whole run: the kernel keeps a
 * resource's value block only while some lock exists on it anywhere in the cluster. Without
 * such a keeper, the counter was seen to fall back to 0 whenever the last EX holder had
 * unlocked before the next request reached the master (cluster/README.md).
 * <p>
 * {@code read LOCKSPACE RESOURCE}: takes PR with VALBLK and prints {@code VALUE <counter>}.
 */
public final class CounterNode {

	private static final Duration STEP_TIMEOUT = Duration.ofSeconds(120);

	private CounterNode() {
	}

	/**
	 * Entry point.
	 * @param args {@code count RUNDIR NODE LOCKSPACE RESOURCE ITERATIONS} or
	 * {@code read LOCKSPACE RESOURCE}
	 * @throws Exception on any failure, which ends the program with a stack trace
	 */
	public static void main(String[] args) throws Exception {
		if (args.length == 6 && args[0].equals("count")) {
			System.exit(count(Path.of(args[1]), args[2], args[3], args[4], Integer.parseInt(args[5])));
		}
		else if (args.length == 3 && args[0].equals("read")) {
			try (DlmClient client = new NativeDlmClient();
					DlmLockspace lockspace = client.openLockspace(args[1], LockspaceOptions.DEFAULTS)) {
				System.out.println("VALUE " + read(lockspace, args[2]));
			}
		}
		else {
			System.err.println("usage: CounterNode count RUNDIR NODE LOCKSPACE RESOURCE ITERATIONS"
					+ " | read LOCKSPACE RESOURCE");
			System.exit(2);
		}
	}

	private static int count(Path runDir, String node, String lockspaceName, String resource, int iterations)
			throws Exception {
		DlmResourceName name = DlmResourceName.of(resource);
		Path criticalSection = runDir.resolve("critical-section");
		List<Long> seen = new ArrayList<>(iterations);
		int violations = 0;
		int invalidValueBlocks = 0;
		try (DlmClient client = new NativeDlmClient();
				DlmLockspace lockspace = client.openLockspace(lockspaceName, LockspaceOptions.DEFAULTS)) {
			DlmLockHandle keeper = lockspace.newLock(name, null);
			DlmCompletion kept = Completions.await(keeper.request(DlmMode.NL, EnumSet.noneOf(DlmFlag.class), null),
					STEP_TIMEOUT);
			if (!kept.isGranted()) {
				throw new IllegalStateException("NL keeper lock was not granted: " + kept);
			}
			Files.writeString(runDir.resolve("ready-" + node), "ready\n");
			awaitFile(runDir.resolve("go"));
			long start = System.nanoTime();
			for (int i = 0; i < iterations; i++) {
				DlmLockHandle lock = lockspace.newLock(name, null);
				DlmCompletion grant = Completions.await(lock.request(DlmMode.EX, EnumSet.of(DlmFlag.VALBLK), null),
						STEP_TIMEOUT);
				if (!grant.isGranted()) {
					throw new IllegalStateException("EX request " + i + " was not granted: " + grant);
				}
				if (grant.isValueBlockInvalid()) {
					invalidValueBlocks++;
				}
				boolean entered = enter(criticalSection);
				if (!entered) {
					violations++;
				}
				long value = counter(lock.valueBlock());
				seen.add(value);
				if (entered) {
					Files.delete(criticalSection);
				}
				Completions.await(lock.unlock(counterBlock(value + 1)), STEP_TIMEOUT);
			}
			long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
			Files.writeString(runDir.resolve("values-" + node + ".txt"),
					seen.stream().map(String::valueOf).collect(Collectors.joining("\n", "", "\n")));
			Files.writeString(runDir.resolve("finished-" + node), "finished\n");
			awaitFile(runDir.resolve("release"));
			Completions.await(keeper.unlock(null), STEP_TIMEOUT);
			System.out.printf("RESULT node=%s iterations=%d violations=%d invalidValueBlocks=%d millis=%d%n", node,
					iterations, violations, invalidValueBlocks, millis);
		}
		return (violations == 0) ? 0 : 1;
	}

	private static long read(DlmLockspace lockspace, String resource) throws Exception {
		DlmLockHandle lock = lockspace.newLock(DlmResourceName.of(resource), null);
		DlmCompletion grant = Completions.await(lock.request(DlmMode.PR, EnumSet.of(DlmFlag.VALBLK), null),
				STEP_TIMEOUT);
		if (!grant.isGranted()) {
			throw new IllegalStateException("PR request was not granted: " + grant);
		}
		long value = counter(lock.valueBlock());
		Completions.await(lock.unlock(null), STEP_TIMEOUT);
		return value;
	}

	private static boolean enter(Path criticalSection) throws IOException {
		try {
			Files.createFile(criticalSection);
			return true;
		}
		catch (FileAlreadyExistsException ex) {
			return false;
		}
	}

	private static long counter(byte[] valueBlock) {
		return ByteBuffer.wrap(valueBlock).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
	}

	private static byte[] counterBlock(long value) {
		return ByteBuffer.allocate(DlmCompletion.VALUE_BLOCK_LENGTH).order(ByteOrder.LITTLE_ENDIAN).putLong(0, value)
			.array();
	}

	/**
	 * Waits for a file the host writes: the host decides how long is reasonable (it writes
	 * {@code go} once every node is ready, waiting as long as they make progress, and writes
	 * it on failure too), so this only guards against a host that vanished, beyond the
	 * host's own cap.
	 */
	private static void awaitFile(Path file) throws InterruptedException {
		long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(30);
		while (!Files.exists(file)) {
			if (System.nanoTime() > deadline) {
				throw new IllegalStateException("Gave up waiting for " + file);
			}
			Thread.sleep(50);
		}
	}

}
