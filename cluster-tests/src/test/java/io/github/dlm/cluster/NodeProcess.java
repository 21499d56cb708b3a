package io.github.dlm.cluster;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A command started on a node with {@link VmCluster#start}: its result once it ends, and two
 * {@link ProgressSignal}s while it runs, its output (live in the node's ctl directory on the
 * host) and the CPU time its session has used in the node.
 */
final class NodeProcess {

	/** How often the CPU time is sampled at most: each sample is a round trip to the node. */
	private static final Duration CPU_SAMPLE_INTERVAL = Duration.ofSeconds(10);

	private final VmCluster cluster;

	private final int node;

	private final String id;

	private final Path ctl;

	private final CompletableFuture<CommandResult> result;

	private final Duration timeout;

	private long cpuSampledAt;

	private Object cpuSample = ProgressSignal.UNKNOWN;

	NodeProcess(VmCluster cluster, int node, String id, Path ctl, Duration timeout,
			CompletableFuture<CommandResult> result) {
		this.timeout = timeout;
		this.cluster = cluster;
		this.node = node;
		this.id = id;
		this.ctl = ctl;
		this.result = result;
	}

	int node() {
		return this.node;
	}

	/**
	 * The session the command runs in inside the node (its agent starts each command in a
	 * session of its own and records the leader's PID).
	 * @return the session ID
	 * @throws IllegalStateException if the node has not recorded it (yet)
	 */
	String session() {
		try {
			String session = Files.readString(this.ctl.resolve(this.id + ".pid")).trim();
			if (!session.matches("[0-9]+")) {
				throw new IllegalStateException("No session recorded for " + this + ": '" + session + "'");
			}
			return session;
		}
		catch (java.io.IOException ex) {
			throw new IllegalStateException("No session recorded for " + this, ex);
		}
	}

	/**
	 * The command's outcome, when it ends.
	 * @return the future result
	 */
	CompletableFuture<CommandResult> result() {
		return this.result;
	}

	boolean isDone() {
		return this.result.isDone();
	}

	/**
	 * Waits for the command's end, which comes at the latest when the node kills it after
	 * the timeout it was started with.
	 * @return its result
	 */
	CommandResult await() throws InterruptedException, ExecutionException, TimeoutException {
		return this.result.get(this.timeout.plusMinutes(2).toMillis(), TimeUnit.MILLISECONDS);
	}

	/**
	 * Fails with the command's result if it has ended.
	 * @param during what was awaited, for the message
	 * @throws AssertionError if it ended
	 */
	void assertRunning(String during) throws Exception {
		if (this.result.isDone()) {
			throw new AssertionError("The command on node " + this.node + " ended " + during + ": "
					+ this.result.get().describe());
		}
	}

	/**
	 * Kills the command's session in the node (its agent does), if it still runs; the
	 * result then completes with the exit status of the killed command.
	 */
	void cancel() {
		if (this.result.isDone() || !this.cluster.isAlive(this.node)) {
			return;
		}
		try {
			Files.writeString(this.ctl.resolve("cancel-" + this.id), "");
		}
		catch (java.io.IOException ex) {
			throw new java.io.UncheckedIOException(ex);
		}
	}

	/**
	 * The size of what the command has written to its standard output and error so far.
	 * @return the signal
	 */
	ProgressSignal output() {
		return ProgressSignal.anyOf(ProgressSignal.sizeOf(this.ctl.resolve(this.id + ".out")),
				ProgressSignal.sizeOf(this.ctl.resolve(this.id + ".err")));
	}

	/**
	 * The CPU time (clock ticks) used by the processes of the command's session in the node,
	 * sampled through a round trip to the node at most every ten seconds. A program that starts (a JVM loading classes) or computes moves it; one that
	 * waits for a lock, a file or the network does not.
	 * @return the signal
	 */
	ProgressSignal cpu() {
		return this::sampleCpu;
	}

	/**
	 * Output or CPU time: either moving counts as progress.
	 * @return the signal
	 */
	ProgressSignal progress() {
		return ProgressSignal.anyOf(output(), cpu());
	}

	private synchronized Object sampleCpu() throws Exception {
		long now = System.nanoTime();
		if (this.cpuSample != ProgressSignal.UNKNOWN && now - this.cpuSampledAt < CPU_SAMPLE_INTERVAL.toNanos()) {
			return this.cpuSample;
		}
		Path pidFile = this.ctl.resolve(this.id + ".pid");
		if (!Files.exists(pidFile) || this.result.isDone() || !this.cluster.isAlive(this.node)) {
			return ProgressSignal.UNKNOWN;
		}
		String session = Files.readString(pidFile).trim();
		if (!session.matches("[0-9]+")) {
			return ProgressSignal.UNKNOWN;
		}
		// utime + stime of every process of the session; the comm field may hold spaces, so
		// the fields are counted after its closing parenthesis
		CommandResult ticks = this.cluster.run(this.node, "cat /proc/[0-9]*/stat 2>/dev/null | awk -v s=" + session
				+ " '{ sub(/^.*\\) /, \"\"); if ($4 == s) t += $12 + $13 } END { print t + 0 }'", Duration.ofMinutes(1));
		this.cpuSampledAt = System.nanoTime();
		String value = ticks.stdout().trim();
		this.cpuSample = (ticks.exitCode() == 0 && value.matches("[0-9]+")) ? Long.valueOf(value)
				: ProgressSignal.UNKNOWN;
		return this.cpuSample;
	}

	@Override
	public String toString() {
		return "command " + this.id + " on node " + this.node;
	}

}
