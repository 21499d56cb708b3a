package io.github.dlm.cluster.workload;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * One workload client, run on a node: repeatedly takes the workload's lock through a
 * {@link WorkloadSystem}, reads the {@link SharedCounter}, writes it plus one, and lets go,
 * recording every step in its history on the share with the {@link HostClock host's clock}.
 * <p>
 * {@code run RUNDIR CLIENT SYSTEM SERVERHOST}: writes {@code RUNDIR/started-CLIENT} (its PID
 * in the node) once the system is made, then loops until {@code RUNDIR/stop} exists. Each
 * iteration records {@code invoke}; inside the lock {@code grant} (stamped after the grant),
 * {@code read value=v}, {@code write value=v+1} (stamped after the write reached the host's
 * disk: the acknowledged increment) and {@code release} (stamped before the unlock), so a
 * measured hold lies inside the real one; then {@code ok}, or {@code timeout} when the lock
 * was not had within {@link WorkloadSystems#WAIT}, or {@code fail error=...}. Ends with
 * {@code RUNDIR/finished-CLIENT}.
 * <p>
 * Between the read and the write, a client for which the host created
 * {@code RUNDIR/linger-CLIENT} stops and waits until that file is gone (recording
 * {@code linger}, then {@code lingered}), after writing {@code RUNDIR/lingering-CLIENT}: so the
 * host knows it holds the lock at that moment and can inject a fault into the holder (pause
 * its JVM, cut off its node) in the middle of its read-modify-write, where a stalled holder
 * does its damage.
 */
public final class WorkloadNode {

	/** The lock every client takes. */
	public static final String KEY = "workload-counter";

	private final Path runDir;

	private final String client;

	private final History history;

	private final SharedCounter counter;

	private WorkloadNode(Path runDir, String client) throws IOException {
		this.runDir = runDir;
		this.client = client;
		this.history = new History(runDir.resolve(historyFile(client)),
				new HostClock(runDir.resolve("clock-" + client)));
		this.counter = new SharedCounter(runDir.resolve("counter"));
	}

	/**
	 * The name of a client's history file in the run directory.
	 * @param client the client
	 * @return the file name
	 */
	public static String historyFile(String client) {
		return "history-" + client + ".log";
	}

	/**
	 * Entry point.
	 * @param args {@code run RUNDIR CLIENT SYSTEM SERVERHOST}
	 * @throws Exception on a failure outside an iteration, which ends the program
	 */
	public static void main(String[] args) throws Exception {
		if (args.length != 5 || !args[0].equals("run")) {
			System.err.println("usage: WorkloadNode run RUNDIR CLIENT SYSTEM SERVERHOST");
			System.exit(2);
		}
		WorkloadNode node = new WorkloadNode(Path.of(args[1]), args[2]);
		try (WorkloadSystem system = WorkloadSystems.create(args[3], args[4])) {
			node.run(system);
		}
		System.out.println("FINISHED " + args[2]);
	}

	private void run(WorkloadSystem system) throws Exception {
		long pid = ProcessHandle.current().pid();
		this.history.record("start", 0, "pid=" + pid + " system=" + system.name());
		Files.writeString(this.runDir.resolve("started-" + this.client), pid + "\n");
		Path stop = this.runDir.resolve("stop");
		long iterations = 0;
		for (long i = 1; !Files.exists(stop); i++) {
			long iteration = i;
			this.history.record("invoke", iteration, "");
			try {
				boolean ran = system.runLocked(KEY, WorkloadSystems.WAIT, () -> increment(iteration));
				this.history.record(ran ? "ok" : "timeout", iteration, "");
			}
			catch (InterruptedException ex) {
				throw ex;
			}
			catch (Exception ex) {
				this.history.record("fail", iteration, "error=" + ex.getClass().getSimpleName());
				System.err.println("iteration " + iteration + ": " + ex);
			}
			iterations = i;
		}
		this.history.record("stop", iterations, "");
		Files.writeString(this.runDir.resolve("finished-" + this.client), iterations + "\n");
	}

	private void increment(long iteration) throws IOException, InterruptedException {
		this.history.record("grant", iteration, "");
		long value = this.counter.read();
		this.history.record("read", iteration, "value=" + value);
		lingerIfAsked(iteration);
		this.counter.write(value + 1);
		this.history.record("write", iteration, "value=" + (value + 1));
		this.history.record("release", iteration, "");
	}

	private void lingerIfAsked(long iteration) throws IOException, InterruptedException {
		Path linger = this.runDir.resolve("linger-" + this.client);
		if (!Files.exists(linger)) {
			return;
		}
		this.history.record("linger", iteration, "");
		Files.writeString(this.runDir.resolve("lingering-" + this.client), iteration + "\n");
		while (Files.exists(linger)) {
			TimeUnit.MILLISECONDS.sleep(20);
		}
		this.history.record("lingered", iteration, "");
	}

}
