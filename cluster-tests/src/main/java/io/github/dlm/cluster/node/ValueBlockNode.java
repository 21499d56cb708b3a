package io.github.dlm.cluster.node;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;

import io.github.dlm.core.DlmClient;
import io.github.dlm.core.DlmLockspace;
import io.github.dlm.core.DlmMode;
import io.github.dlm.core.LockspaceOptions;
import io.github.dlm.jna.NativeDlmClient;
import io.github.dlm.lock.DlmLock;
import io.github.dlm.lock.DlmLockRegistry;

/**
 * One part in the life of a lock value block, through the Spring lock registry: creating
 * the resource (so that this node masters it), publishing a value, or reading it back.
 * <p>
 * {@code value RUNDIR NAME LOCKSPACE KEY ROLE [VALUE]}, ROLE one of:
 * <ul>
 * <li>{@code master}: locks KEY in EX first (so the resource is mastered on this node),
 * writes {@code RUNDIR/granted-NAME}, converts down to NL when {@code RUNDIR/release-NAME}
 * appears (so the resource stays mastered here), writes {@code released-NAME} and holds the
 * NL until {@code exit-NAME}</li>
 * <li>{@code publish VALUE}: locks KEY in EX, sets VALUE (UTF-8, zero-padded to 32 bytes) as
 * the value block, unlocks (which publishes it; the lock object then retains it with an NL
 * anchor), writes {@code published-NAME} ({@code retaining=<bool>}) and keeps its lock
 * object until {@code exit-NAME}</li>
 * <li>{@code read}: locks KEY in EX, writes {@code read-NAME} ({@code value=<text> valid=<bool>
 * hex=<32 bytes>}), unlocks and ends</li>
 * </ul>
 */
public final class ValueBlockNode {

	private ValueBlockNode() {
	}

	/**
	 * Entry point.
	 * @param args {@code value RUNDIR NAME LOCKSPACE KEY ROLE [VALUE]}
	 * @throws Exception on any failure, which ends the program with a stack trace
	 */
	public static void main(String[] args) throws Exception {
		if (args.length < 6 || !args[0].equals("value")) {
			System.err.println("usage: ValueBlockNode value RUNDIR NAME LOCKSPACE KEY master|publish VALUE|read");
			System.exit(2);
		}
		Path runDir = Path.of(args[1]);
		String name = args[2];
		try (DlmClient client = new NativeDlmClient();
				DlmLockspace lockspace = client.openLockspace(args[3], LockspaceOptions.DEFAULTS)) {
			DlmLockRegistry registry = new DlmLockRegistry(lockspace);
			DlmLock lock = registry.obtain(args[4], DlmMode.EX);
			switch (args[5]) {
				case "master" -> {
					lock.lock();
					write(runDir, "granted-" + name, "granted");
					await(runDir.resolve("release-" + name));
					lock.convert(DlmMode.NL);
					write(runDir, "released-" + name, "released");
					await(runDir.resolve("exit-" + name));
					lock.unlock();
				}
				case "publish" -> {
					lock.lock();
					lock.setValueBlock(Arrays.copyOf(args[6].getBytes(StandardCharsets.UTF_8), 32));
					lock.unlock();
					write(runDir, "published-" + name, "retaining=" + lock.isRetainingValueBlock());
					await(runDir.resolve("exit-" + name));
				}
				case "read" -> {
					lock.lock();
					byte[] value = lock.getValueBlock();
					boolean valid = lock.isValueBlockValid();
					lock.unlock();
					write(runDir, "read-" + name, "value=" + text(value) + " valid=" + valid + " hex="
							+ HexFormat.of().formatHex(value));
				}
				default -> throw new IllegalArgumentException("unknown role " + args[5]);
			}
			registry.close();
		}
		System.out.println("VALUE " + args[5] + " DONE");
	}

	private static String text(byte[] value) {
		int end = 0;
		while (end < value.length && value[end] != 0) {
			end++;
		}
		return new String(value, 0, end, StandardCharsets.UTF_8);
	}

	private static void write(Path runDir, String file, String content) throws Exception {
		Path temporary = runDir.resolve("." + file);
		Files.writeString(temporary, content + "\n");
		Files.move(temporary, runDir.resolve(file));
	}

	private static void await(Path file) throws InterruptedException {
		while (!Files.exists(file)) {
			TimeUnit.MILLISECONDS.sleep(50);
		}
	}

}
