package io.github.dlm.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.dlm.cluster.node.LockAgentNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The host's end of one {@link LockAgentNode} running on a cluster node: sends it commands
 * through the share and reads their outcomes.
 */
final class LockAgent {

	/**
	 * How long the agent may show no progress while the host waits for it: its start (a JVM
	 * and a lockspace join), or one command (milliseconds of DLM work once started).
	 */
	static final Duration STALL = VmCluster.PROGRAM_STALL;

	/** Backstop of a wait for a command's outcome, longer than any {@link ProgressDeadline}. */
	private static final Duration OUTCOME_TIMEOUT = VmCluster.PROGRAM_CAP.plusMinutes(1);

	private static final ExecutorService POLLERS = Executors.newCachedThreadPool((task) -> {
		Thread thread = new Thread(task, "lock-agent-poller");
		thread.setDaemon(true);
		return thread;
	});

	private final VmCluster cluster;

	private final int node;

	private final Path runDir;

	private final String name;

	private final NodeProcess process;

	private final AtomicInteger commands = new AtomicInteger();

	private final long pid;

	private LockAgent(VmCluster cluster, int node, Path runDir, String name, NodeProcess process) throws Exception {
		this.cluster = cluster;
		this.node = node;
		this.runDir = runDir;
		this.name = name;
		this.process = process;
		this.pid = Long.parseLong(await(file("pid")).trim());
	}

	/**
	 * Starts an agent on a node and waits until it has opened the lockspace.
	 */
	static LockAgent start(VmCluster cluster, int node, Path runDir, String name, String lockspace) throws Exception {
		NodeProcess process = cluster.start(node,
				cluster.javaCommand(LockAgentNode.class, "agent", cluster.guestPath(runDir), name, lockspace),
				Duration.ofMinutes(60));
		return new LockAgent(cluster, node, runDir, name, process);
	}

	int node() {
		return this.node;
	}

	long pid() {
		return this.pid;
	}

	CompletableFuture<CommandResult> process() {
		return this.process.result();
	}

	/**
	 * Sends a command; the future completes with its outcome line ({@code OK ...} or
	 * {@code ERROR ...}) once the agent has finished it.
	 */
	CompletableFuture<String> send(String worker, String op, Object... args) {
		int n = this.commands.incrementAndGet();
		StringBuilder line = new StringBuilder(worker).append(' ').append(op);
		for (Object arg : args) {
			line.append(' ').append(arg);
		}
		try {
			Path temporary = this.runDir.resolve(".host-" + this.name + "." + n);
			Files.writeString(temporary, line + "\n", StandardCharsets.UTF_8);
			Files.move(temporary, file("cmd." + n), StandardCopyOption.ATOMIC_MOVE);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		Path done = file("done." + n);
		return CompletableFuture.supplyAsync(() -> {
			try {
				return await(done).trim();
			}
			catch (Exception ex) {
				throw new IllegalStateException(ex);
			}
		}, POLLERS);
	}

	/**
	 * Sends a command and waits for it to succeed.
	 * @return what it returned (after {@code OK })
	 */
	String call(String worker, String op, Object... args) throws Exception {
		return ok(send(worker, op, args));
	}

	/**
	 * Waits for a sent command and checks it succeeded.
	 * @return what it returned (after {@code OK })
	 */
	String ok(CompletableFuture<String> outcome) throws Exception {
		String line = outcome.get(OUTCOME_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
		assertThat(line).as("agent %s on node %d", this.name, this.node).startsWith("OK ");
		return line.substring(3);
	}

	/**
	 * Whether the registry of this agent got a blocking callback for the key.
	 */
	boolean wasAskedToRelease(String key) {
		return Files.exists(file("blocking-" + key));
	}

	/**
	 * Waits until the registry of this agent gets a blocking callback for the key.
	 */
	void awaitAskedToRelease(String key) throws Exception {
		await(file("blocking-" + key));
	}

	/**
	 * Ends the agent (closing its lockspace handle) and checks it exited cleanly.
	 */
	void exit() throws Exception {
		send("main", "exit");
		CommandResult result = this.process.result().get(OUTCOME_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
		assertThat(result.exitCode()).as(result.describe()).isZero();
	}

	private Path file(String suffix) {
		return this.runDir.resolve(this.name + "." + suffix);
	}

	private String await(Path file) throws Exception {
		ProgressDeadline.of(file.getFileName() + " from agent " + this.name + " on node " + this.node, STALL,
				VmCluster.PROGRAM_CAP)
			.polling(Duration.ofMillis(50))
			.await(this.process.progress(), () -> {
				if (Files.exists(file)) {
					return true;
				}
				this.process.assertRunning("before writing " + file);
				return false;
			});
		return Files.readString(file, StandardCharsets.UTF_8);
	}

	@Override
	public String toString() {
		return "agent " + this.name + " on node " + this.node + " (pid " + this.pid + ")";
	}

}
