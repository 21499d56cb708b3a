package io.github.dlm.cluster.node;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import io.github.dlm.core.DlmClient;
import io.github.dlm.core.DlmLockspace;
import io.github.dlm.core.DlmMode;
import io.github.dlm.core.LockspaceOptions;
import io.github.dlm.jna.NativeDlmClient;
import io.github.dlm.lock.DlmLock;
import io.github.dlm.lock.DlmLockRegistry;
import io.github.dlm.lock.DlmLockspaceStateChange;

/**
 * Holds locks through a {@link DlmLockRegistry} and writes down every lock-in-doubt change
 * its listener is told.
 * <p>
 * {@code doubt RUNDIR NAME LOCKSPACE POLL_MS KEY=MODE[,KEY=MODE...]}: opens the lockspace,
 * adds a listener that appends one line per change to {@code RUNDIR/events-NAME}
 * ({@code <epoch ms of this node's clock> <state> <summary> | <cause> | <key>/<mode>/<thread>;...},
 * written synchronously, so a line on the share was written before the node died), locks
 * each key in its mode on the main thread, writes {@code RUNDIR/granted-NAME}, waits for
 * {@code RUNDIR/release-NAME}, unlocks and prints {@code RELEASED}.
 */
public final class LockInDoubtNode {

	private LockInDoubtNode() {
	}

	/**
	 * Entry point.
	 * @param args {@code doubt RUNDIR NAME LOCKSPACE POLL_MS KEY=MODE[,KEY=MODE...]}
	 * @throws Exception on any failure, which ends the program with a stack trace
	 */
	public static void main(String[] args) throws Exception {
		if (args.length != 6 || !args[0].equals("doubt")) {
			System.err.println("usage: LockInDoubtNode doubt RUNDIR NAME LOCKSPACE POLL_MS KEY=MODE[,KEY=MODE...]");
			System.exit(2);
		}
		Path runDir = Path.of(args[1]);
		String name = args[2];
		Path events = runDir.resolve("events-" + name);
		try (DlmClient client = new NativeDlmClient();
				DlmLockspace lockspace = client.openLockspace(args[3], LockspaceOptions.DEFAULTS)) {
			DlmLockRegistry registry = new DlmLockRegistry(lockspace);
			registry.setLockspacePollInterval(Duration.ofMillis(Long.parseLong(args[4])));
			registry.addLockInDoubtListener((change) -> append(events, line(change)));
			List<DlmLock> held = new ArrayList<>();
			for (String keyAndMode : args[5].split(",")) {
				String[] parts = keyAndMode.split("=");
				DlmLock lock = registry.obtain(parts[0], DlmMode.valueOf(parts[1]));
				lock.lock();
				held.add(lock);
			}
			Files.writeString(runDir.resolve("granted-" + name), "granted " + registry.getHolds() + "\n");
			Path release = runDir.resolve("release-" + name);
			while (!Files.exists(release)) {
				TimeUnit.MILLISECONDS.sleep(50);
			}
			held.forEach(DlmLock::unlock);
			registry.close();
			System.out.println("RELEASED");
		}
	}

	private static String line(DlmLockspaceStateChange change) {
		String holds = change.holds()
			.stream()
			.map((hold) -> hold.key() + "/" + hold.mode() + "/" + hold.thread())
			.collect(Collectors.joining(";"));
		return System.currentTimeMillis() + " " + change.current().state() + " " + change.summary() + " | "
				+ change.current().cause() + " | " + holds + "\n";
	}

	private static void append(Path file, String line) {
		try {
			Files.writeString(file, line, StandardOpenOption.CREATE, StandardOpenOption.APPEND,
					StandardOpenOption.SYNC);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
