package io.github.dlm.cluster.node;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;

import io.github.dlm.core.DlmClient;
import io.github.dlm.core.DlmLockspace;
import io.github.dlm.core.DlmMode;
import io.github.dlm.core.LockspaceOptions;
import io.github.dlm.jna.NativeDlmClient;
import io.github.dlm.lock.DlmLock;
import io.github.dlm.lock.DlmLockRegistry;

/**
 * A writer that stores with fencing tokens, as Kleppmann's protected storage would be used:
 * one of several on different nodes, taking turns on one key through a registry that issues
 * fencing tokens.
 * <p>
 * {@code token RUNDIR NAME LOCKSPACE KEY}: loops until {@code RUNDIR/stop-NAME} appears:
 * locks KEY in EX, reads its {@link DlmLock#fencingToken() fencing token}, reads the highest
 * token the storage ({@code RUNDIR/storage}, one number) accepted so far, stores the higher
 * of the two there, appends {@code <token> <stored before>} to {@code RUNDIR/tokens-NAME} and prints
 * the same line, unlocks, pauses 200 ms. A token not above the stored one is a violation: it
 * is logged all the same (the host counts them) and the program goes on. Then closes the
 * registry and prints {@code TOKENS DONE <grants>}.
 */
public final class TokenNode {

	private TokenNode() {
	}

	/**
	 * Entry point.
	 * @param args {@code token RUNDIR NAME LOCKSPACE KEY}
	 * @throws Exception on any failure, which ends the program with a stack trace
	 */
	public static void main(String[] args) throws Exception {
		if (args.length != 5 || !args[0].equals("token")) {
			System.err.println("usage: TokenNode token RUNDIR NAME LOCKSPACE KEY");
			System.exit(2);
		}
		Path runDir = Path.of(args[1]);
		String name = args[2];
		Path stop = runDir.resolve("stop-" + name);
		Path log = runDir.resolve("tokens-" + name);
		int grants = 0;
		try (DlmClient client = new NativeDlmClient();
				DlmLockspace lockspace = client.openLockspace(args[3], LockspaceOptions.DEFAULTS)) {
			DlmLockRegistry registry = new DlmLockRegistry(lockspace);
			registry.setFencingTokens(true);
			DlmLock lock = registry.obtain(args[4], DlmMode.EX);
			while (!Files.exists(stop)) {
				lock.lock();
				try {
					long token = lock.fencingToken();
					long stored = stored(runDir);
					store(runDir, name, Math.max(token, stored));
					String line = token + " " + stored;
					Files.writeString(log, line + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND,
							StandardOpenOption.SYNC);
					System.out.println(line);
					grants++;
				}
				finally {
					lock.unlock();
				}
				TimeUnit.MILLISECONDS.sleep(200);
			}
			registry.close();
		}
		System.out.println("TOKENS DONE " + grants);
	}

	private static long stored(Path runDir) throws Exception {
		try {
			return Long.parseLong(Files.readString(runDir.resolve("storage")).trim());
		}
		catch (NoSuchFileException ex) {
			return 0;
		}
	}

	private static void store(Path runDir, String name, long token) throws Exception {
		Path temporary = runDir.resolve(".storage-" + name);
		Files.write(temporary, (token + "\n").getBytes(StandardCharsets.US_ASCII), StandardOpenOption.CREATE,
				StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.SYNC);
		Files.move(temporary, runDir.resolve("storage"), StandardCopyOption.ATOMIC_MOVE,
				StandardCopyOption.REPLACE_EXISTING);
	}

}
