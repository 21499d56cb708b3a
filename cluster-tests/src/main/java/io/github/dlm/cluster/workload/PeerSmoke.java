package io.github.dlm.cluster.workload;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A check of one peer system by hand, run by one client per node (or per JVM on one host):
 * increments a counter file under the peer's lock and prints what it did, so a person can
 * see the clients exclude each other, and, by pausing one client inside its section past the
 * lease ({@code cluster/pause-jvm.sh}), see another client let in and an update lost.
 * <p>
 * {@code PeerSmoke SYSTEM SERVER_HOST COUNTER_FILE ITERATIONS HOLD_MILLIS [WAIT_SECONDS]}:
 * prints {@code pid <pid>}, then for each iteration takes the lock {@code peer-smoke} of
 * {@link PeerSystems#create(String, String) SYSTEM} (waiting at most {@code WAIT_SECONDS},
 * default 60), reads the counter ({@code 0} when the file is missing), prints
 * {@code granted <i> read=<n> at=<epoch ms>}, sleeps {@code HOLD_MILLIS}, writes
 * {@code n + 1}, prints {@code wrote <i> value=<n + 1> at=<epoch ms>} and releases; then
 * {@code released <i>}, or {@code unlock-failed <i> <exception>} when the lease was lost, or
 * {@code timeout <i>}. Last line: {@code done system=<name> granted=<g> unlock-failed=<f>
 * timeouts=<t>}.
 */
public final class PeerSmoke {

	private PeerSmoke() {
	}

	/**
	 * Entry point.
	 * @param args {@code SYSTEM SERVER_HOST COUNTER_FILE ITERATIONS HOLD_MILLIS [WAIT_SECONDS]}
	 * @throws Exception when the system cannot be opened or the counter file not be read
	 */
	public static void main(String[] args) throws Exception {
		if (args.length < 5 || args.length > 6) {
			System.err.println("usage: PeerSmoke SYSTEM SERVER_HOST COUNTER_FILE ITERATIONS HOLD_MILLIS [WAIT_SECONDS]");
			System.exit(2);
		}
		Path counter = Path.of(args[2]);
		int iterations = Integer.parseInt(args[3]);
		long holdMillis = Long.parseLong(args[4]);
		Duration wait = Duration.ofSeconds((args.length > 5) ? Long.parseLong(args[5]) : 60);
		System.out.println("pid " + ProcessHandle.current().pid());
		int granted = 0;
		int unlockFailed = 0;
		int timeouts = 0;
		try (WorkloadSystem system = PeerSystems.create(args[0], args[1])) {
			if (system == null) {
				System.err.println("unknown system: " + args[0]);
				System.exit(2);
			}
			for (int i = 1; i <= iterations; i++) {
				int iteration = i;
				try {
					boolean ran = system.runLocked("peer-smoke", wait, () -> increment(counter, iteration, holdMillis));
					if (ran) {
						granted++;
						System.out.println("released " + iteration);
					}
					else {
						timeouts++;
						System.out.println("timeout " + iteration);
					}
				}
				catch (RuntimeException ex) {
					granted++;
					unlockFailed++;
					System.out.println("unlock-failed " + iteration + " " + ex);
				}
			}
			System.out.println("done system=" + system.name() + " granted=" + granted + " unlock-failed="
					+ unlockFailed + " timeouts=" + timeouts);
		}
	}

	private static void increment(Path counter, int iteration, long holdMillis) throws Exception {
		int value = Files.exists(counter) ? Integer.parseInt(Files.readString(counter).trim()) : 0;
		System.out.println("granted " + iteration + " read=" + value + " at=" + System.currentTimeMillis());
		Thread.sleep(holdMillis);
		Files.writeString(counter, (value + 1) + "\n");
		System.out.println("wrote " + iteration + " value=" + (value + 1) + " at=" + System.currentTimeMillis());
	}

}
