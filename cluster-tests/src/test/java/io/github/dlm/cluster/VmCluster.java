package io.github.dlm.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * A kernel-DLM cluster of qemu virtual machines, driven through the scripts in
 * {@code cluster/} ({@code up.sh}, {@code run-on.sh}, {@code kill-node.sh}, {@code down.sh})
 * and its fault injection commands ({@code partition.sh}, {@code pause-node.sh},
 * {@code pause-jvm.sh}, {@code clock-step.sh} and their counterparts), and
 * {@code restart-node.sh} to boot a killed or fenced node again.
 * <p>
 * Fencing is on: a node the others count as failed is fenced through the harness, which
 * kills its qemu and logs it ({@link #fenceEvents()}); a fenced node counts as dead like a
 * {@linkplain #kill killed} one.
 * <p>
 * The host directory {@link #share()} is mounted read-write at {@value #GUEST_SHARE} in every
 * node; {@link #javaCommand} stages this JVM's class path there so nodes run the project's
 * classes. {@link #close()} stops every VM this cluster started; a JVM shutdown hook does the
 * same if a test run dies before closing it.
 */
public final class VmCluster implements AutoCloseable {

	/** Where the nodes see {@link #share()}. */
	public static final String GUEST_SHARE = "/mnt/host";

	private static final Duration UP_TIMEOUT = Duration.ofMinutes(25);

	private static final Duration SCRIPT_TIMEOUT = Duration.ofMinutes(2);

	/**
	 * How long a node program may show no progress (no output, no CPU time used) while the
	 * host waits for one of its steps, when the step itself involves no waiting on purpose.
	 */
	static final Duration PROGRAM_STALL = Duration.ofMinutes(3);

	/** How long the host waits for one step of a node program at most, progress or not. */
	static final Duration PROGRAM_CAP = Duration.ofMinutes(15);

	private final Path scripts;

	private final Path work;

	private final int nodes;

	private final Path share;

	private final Path state;

	private final boolean owned;

	private final Map<String, String> environment;

	private final Set<Integer> killed = new HashSet<>();

	private final AtomicInteger runs = new AtomicInteger();

	private final Thread shutdownHook;

	private volatile boolean closed;

	private @Nullable String stagedClasspath;

	private VmCluster(Path scripts, Path work, int nodes, Path state, Path share, boolean owned) {
		this.scripts = scripts;
		this.work = work;
		this.nodes = nodes;
		this.share = share;
		this.state = state;
		this.owned = owned;
		this.environment = Map.of("DLM_CLUSTER_STATE", state.toString(), "DLM_CLUSTER_SHARE", share.toString());
		this.shutdownHook = new Thread(this::down, "vm-cluster-shutdown");
	}

	/**
	 * Boots a cluster and waits until every node sees all members quorate in corosync and in
	 * dlm_controld. Takes minutes under software emulation.
	 * @param scripts the {@code cluster/} directory of the project
	 * @param work a directory of this test run for state, logs and the share
	 * @param nodes how many nodes
	 * @return the running cluster
	 * @throws IllegalStateException if the cluster cannot be booted, with the script's log
	 */
	public static VmCluster start(Path scripts, Path work, int nodes) {
		if (!Files.isExecutable(scripts.resolve("up.sh"))) {
			throw new IllegalStateException("No cluster scripts in " + scripts
					+ ": set the system property dlm.cluster.scripts to the project's cluster/ directory");
		}
		Path absoluteWork = work.toAbsolutePath();
		VmCluster cluster = new VmCluster(scripts.toAbsolutePath(), absoluteWork, nodes, absoluteWork.resolve("state"),
				absoluteWork.resolve("share"), true);
		try {
			Files.createDirectories(cluster.share());
			NodeClasspath.deleteRecursively(cluster.logs());
			Files.createDirectories(cluster.logs());
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		Runtime.getRuntime().addShutdownHook(cluster.shutdownHook);
		Path log = cluster.logs().resolve("up.log");
		ScriptResult up = cluster.script(UP_TIMEOUT, log, Map.of(), "up.sh", String.valueOf(nodes));
		if (up.exitCode() != 0) {
			cluster.close();
			throw new IllegalStateException("Could not boot a " + nodes + "-node DLM cluster (up.sh exit "
					+ up.exitCode() + "); last lines of " + log + ":\n" + tail(log, 40));
		}
		return cluster;
	}

	/**
	 * Uses a cluster that is already running (booted by hand with {@code up.sh}), for
	 * iterating on tests without booting one each time. It is not stopped by {@link #close()}
	 * unless a test killed one of its nodes.
	 * @param scripts the {@code cluster/} directory of the project
	 * @param work a directory of this test run for logs
	 * @param state the running cluster's {@code DLM_CLUSTER_STATE} directory
	 * @return the cluster
	 */
	public static VmCluster attach(Path scripts, Path work, Path state) {
		try {
			int nodes = Integer.parseInt(Files.readString(state.resolve("nodes")).trim());
			Path share = Path.of(Files.readString(state.resolve("share.path")).trim());
			VmCluster cluster = new VmCluster(scripts.toAbsolutePath(), work.toAbsolutePath(), nodes,
					state.toAbsolutePath(), share, false);
			NodeClasspath.deleteRecursively(cluster.logs());
			Files.createDirectories(cluster.logs());
			Runtime.getRuntime().addShutdownHook(cluster.shutdownHook);
			return cluster;
		}
		catch (IOException ex) {
			throw new UncheckedIOException("No running cluster recorded in " + state, ex);
		}
	}

	/**
	 * The project's {@code cluster/} directory the scripts come from.
	 * @return the scripts directory
	 */
	public Path scriptsDirectory() {
		return this.scripts;
	}

	/**
	 * The number of nodes the cluster was booted with; nodes are numbered from 1.
	 * @return the node count
	 */
	public int nodes() {
		return this.nodes;
	}

	/**
	 * The host directory every node mounts read-write at {@value #GUEST_SHARE}.
	 * @return the share directory
	 */
	public Path share() {
		return this.share;
	}

	/**
	 * Where the node sees a path inside {@link #share()}.
	 * @param hostPath a path inside the share
	 * @return the same path as the nodes see it
	 */
	public String guestPath(Path hostPath) {
		Path relative = share().relativize(hostPath.toAbsolutePath());
		if (relative.startsWith("..")) {
			throw new IllegalArgumentException(hostPath + " is not inside the cluster share " + share());
		}
		return GUEST_SHARE + "/" + relative;
	}

	/**
	 * A fresh, empty directory in the share for one test's files.
	 * @param prefix a name prefix
	 * @return the directory on the host
	 */
	public Path newRunDirectory(String prefix) {
		try {
			return Files.createDirectories(share().resolve("runs").resolve(prefix + "-" + this.runs.incrementAndGet()
					+ "-" + System.currentTimeMillis()));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * A shell command that runs a Java main class of this project on a node, with this
	 * JVM's class path (staged on the share the first time).
	 * @param mainClass the class with {@code main}
	 * @param args its arguments (must not need shell quoting)
	 * @return the command for {@link #run}
	 */
	public synchronized String javaCommand(Class<?> mainClass, Object... args) {
		if (this.stagedClasspath == null) {
			this.stagedClasspath = NodeClasspath.stage(NodeClasspath.current(), share().resolve("classpath"),
					GUEST_SHARE + "/classpath");
		}
		StringBuilder command = new StringBuilder("java -XX:TieredStopAtLevel=1 -Xshare:auto -cp ")
			.append(this.stagedClasspath)
			.append(' ')
			.append(mainClass.getName());
		for (Object arg : args) {
			command.append(' ').append(arg);
		}
		return command.toString();
	}

	/**
	 * Runs a bash command on a node and waits for it.
	 * @param node the node, from 1
	 * @param command the command
	 * @param timeout how long it may take; it is killed after that (exit code 124)
	 * @return what it produced
	 */
	public CommandResult run(int node, String command, Duration timeout) {
		return run(node, command, timeout, null);
	}

	private CommandResult run(int node, String command, Duration timeout, @Nullable String id) {
		checkNode(node);
		Path out = logs().resolve("run-" + node + "-" + this.runs.incrementAndGet() + ".out");
		Map<String, String> environment = (id != null) ? Map.of("DLM_RUN_ID", id) : Map.of();
		ScriptResult result = script(timeout.plusSeconds(30), out, environment, "run-on.sh", "-t",
				String.valueOf(Math.max(1, timeout.toSeconds())), String.valueOf(node), command);
		return new CommandResult(node, command, result.exitCode(), read(out), read(result.stderr()));
	}

	/**
	 * Runs a bash command on a node without waiting for it.
	 * @param node the node, from 1
	 * @param command the command
	 * @param timeout how long it may take
	 * @return the future result
	 */
	public CompletableFuture<CommandResult> runAsync(int node, String command, Duration timeout) {
		return start(node, command, timeout).result();
	}

	/**
	 * Starts a bash command on a node: a node program whose progress the host can watch
	 * while it runs ({@link NodeProcess#progress()}).
	 * @param node the node, from 1
	 * @param command the command
	 * @param timeout how long it may take at most; it is killed after that (exit code 124)
	 * @return the running command
	 */
	NodeProcess start(int node, String command, Duration timeout) {
		checkNode(node);
		String id = "h" + ProcessHandle.current().pid() + "-" + this.runs.incrementAndGet() + "-" + System.nanoTime();
		CompletableFuture<CommandResult> result = new CompletableFuture<>();
		Thread thread = new Thread(() -> {
			try {
				result.complete(run(node, command, timeout, id));
			}
			catch (Throwable ex) {
				result.completeExceptionally(ex);
			}
		}, "vm-cluster-node-" + node);
		thread.setDaemon(true);
		thread.start();
		return new NodeProcess(this, node, id, this.state.resolve("ctl").resolve("n" + node), timeout, result);
	}

	/**
	 * Kills a node for real: SIGKILL to its qemu process (the survivors then fence it, and
	 * the harness finds it dead already).
	 * @param node the node, from 1
	 */
	public void kill(int node) {
		nodeScript("kill-node.sh", node);
		synchronized (this.killed) {
			this.killed.add(node);
		}
	}

	/**
	 * Boots a node that was {@linkplain #kill killed} or fenced again into the running
	 * cluster ({@code restart-node.sh}) and waits until it is a member again; it then counts
	 * as alive, and the cluster as whole if no other node is down. Takes about as long as
	 * the node's part of {@link #start}.
	 * @param node the node, from 1
	 */
	public void restart(int node) {
		checkNode(node);
		Path log = logs().resolve("restart-node-" + node + "-" + this.runs.incrementAndGet() + ".log");
		ScriptResult result = script(UP_TIMEOUT, log, Map.of(), "restart-node.sh", String.valueOf(node));
		if (result.exitCode() != 0) {
			throw new IllegalStateException("restart-node.sh " + node + " failed (exit " + result.exitCode() + "):\n"
					+ tail(log, 30));
		}
		synchronized (this.killed) {
			this.killed.remove(node);
		}
	}

	/**
	 * Cuts a node off the cluster's switch in both directions ({@code partition.sh}). It runs
	 * on alone; the others count it as failed and fence it.
	 * @param node the node, from 1
	 */
	public void partition(int node) {
		nodeScript("partition.sh", node);
	}

	/**
	 * Puts a {@linkplain #partition partitioned} node back on the switch ({@code heal.sh}).
	 * @param node the node, from 1
	 */
	public void heal(int node) {
		nodeScript("heal.sh", node);
	}

	/**
	 * Freezes a whole node: SIGSTOP to its qemu process ({@code pause-node.sh}). Past
	 * corosync's token timeout the others count it as failed and fence it.
	 * @param node the node, from 1
	 */
	public void pauseNode(int node) {
		nodeScript("pause-node.sh", node);
	}

	/**
	 * Lets a {@linkplain #pauseNode paused} node run again: SIGCONT to its qemu process.
	 * @param node the node, from 1
	 */
	public void resumeNode(int node) {
		nodeScript("resume-node.sh", node);
	}

	/**
	 * Freezes the JVM a node program runs in (SIGSTOP inside the guest, {@code pause-jvm.sh});
	 * its node runs on.
	 * @param program the node program
	 */
	public void pauseJvm(NodeProcess program) {
		nodeScript("pause-jvm.sh", program.node(), String.valueOf(javaPid(program)));
	}

	/**
	 * Lets a {@linkplain #pauseJvm paused} JVM run again (SIGCONT, {@code resume-jvm.sh}).
	 * @param program the node program
	 */
	public void resumeJvm(NodeProcess program) {
		nodeScript("resume-jvm.sh", program.node(), String.valueOf(javaPid(program)));
	}

	/**
	 * Kills the JVM a node program runs in (SIGKILL inside the guest, {@code kill-jvm.sh}).
	 * @param program the node program
	 */
	public void killJvm(NodeProcess program) {
		nodeScript("kill-jvm.sh", program.node(), String.valueOf(javaPid(program)));
	}

	/**
	 * Steps a node's wall clock ({@code clock-step.sh}, {@code date -s} in the guest).
	 * @param node the node, from 1
	 * @param by how far, forward or (negative) back, in whole seconds
	 */
	public void stepClock(int node, Duration by) {
		nodeScript("clock-step.sh", node, String.valueOf(by.toSeconds()));
	}

	/**
	 * What the harness's fence log says so far: requests from the nodes' fence agent and
	 * their outcome, with host-clock times.
	 * @return the events, in order
	 */
	public List<FenceEvent> fenceEvents() {
		Path log = this.state.resolve("fence.log");
		return FenceEvent.parse(read(log).lines().toList());
	}

	/**
	 * The fence log's events from a host-clock time on: a test's own fences, on a cluster
	 * whose earlier classes may have fenced nodes too (the fault workload boots them again).
	 * @param epochMillis the host-clock time, such as {@code System.currentTimeMillis()}
	 * taken before the test's first fault
	 * @return the events at or after that time, in order
	 */
	public List<FenceEvent> fenceEventsSince(long epochMillis) {
		return fenceEvents().stream().filter((event) -> event.atMillis() >= epochMillis).toList();
	}

	/**
	 * The nodes fenced since they were last restarted; {@code restart-node.sh} logs each
	 * restart in {@code faults.log}, so a cluster attached to sees the restarts made before.
	 */
	private Set<Integer> fencedNodes() {
		Map<Integer, Long> restarted = new HashMap<>();
		Pattern restart = Pattern.compile("^restart node (\\d+) at (\\d+)$");
		for (String line : read(this.state.resolve("faults.log")).lines().toList()) {
			Matcher matcher = restart.matcher(line);
			if (matcher.matches()) {
				restarted.merge(Integer.valueOf(matcher.group(1)), Long.valueOf(matcher.group(2)), Math::max);
			}
		}
		Set<Integer> fenced = new HashSet<>();
		for (FenceEvent event : fenceEvents()) {
			if (event.kind() == FenceEvent.Kind.FENCED
					&& event.atMillis() >= restarted.getOrDefault(event.node(), Long.MIN_VALUE)) {
				fenced.add(event.node());
			}
		}
		return fenced;
	}

	private int javaPid(NodeProcess program) {
		String session = program.session();
		CommandResult pids = run(program.node(), "pgrep -s " + session + " -x java", Duration.ofMinutes(1));
		List<String> found = pids.stdout().lines().map(String::trim).filter((line) -> !line.isEmpty()).toList();
		if (!pids.succeeded() || found.size() != 1) {
			throw new IllegalStateException("Not one JVM in the session of " + program + ": " + pids.describe());
		}
		return Integer.parseInt(found.get(0));
	}

	private void nodeScript(String script, int node, String... more) {
		checkNode(node);
		List<String> args = new ArrayList<>();
		args.add(String.valueOf(node));
		args.addAll(List.of(more));
		ScriptResult result = script(SCRIPT_TIMEOUT,
				logs().resolve(script.replace(".sh", "") + "-" + node + "-" + this.runs.incrementAndGet() + ".log"),
				Map.of(), script, args.toArray(String[]::new));
		if (result.exitCode() != 0) {
			throw new IllegalStateException(script + " " + args + " failed (exit " + result.exitCode() + "): "
					+ read(result.stderr()));
		}
	}

	/**
	 * Whether a node is still running (neither {@linkplain #kill killed} nor fenced since it
	 * was last {@linkplain #restart restarted}).
	 * @param node the node, from 1
	 * @return {@code true} if it runs
	 */
	public boolean isAlive(int node) {
		checkNode(node);
		synchronized (this.killed) {
			return !this.closed && !this.killed.contains(node) && !fencedNodes().contains(node);
		}
	}

	/**
	 * Whether every node is still running (none was {@linkplain #kill killed} or fenced).
	 * @return {@code true} if the cluster is whole
	 */
	public boolean isWhole() {
		synchronized (this.killed) {
			return !this.closed && this.killed.isEmpty() && fencedNodes().isEmpty();
		}
	}

	/**
	 * Stops every VM of this cluster and deletes its network namespace.
	 */
	@Override
	public void close() {
		down();
		try {
			Runtime.getRuntime().removeShutdownHook(this.shutdownHook);
		}
		catch (IllegalStateException ex) {
			// the JVM is already shutting down and runs the hook
		}
	}

	private synchronized void down() {
		if (this.closed) {
			return;
		}
		this.closed = true;
		if (!this.owned && isWholeUnchecked()) {
			return;
		}
		script(SCRIPT_TIMEOUT, logs().resolve("down.log"), Map.of(), "down.sh");
	}

	private boolean isWholeUnchecked() {
		synchronized (this.killed) {
			return this.killed.isEmpty() && fencedNodes().isEmpty();
		}
	}

	private void checkNode(int node) {
		if (node < 1 || node > this.nodes) {
			throw new IllegalArgumentException("Node " + node + " does not exist: nodes are 1.." + this.nodes);
		}
		if (this.closed) {
			throw new IllegalStateException("The cluster is closed");
		}
	}

	private Path logs() {
		return this.work.resolve("logs");
	}

	private ScriptResult script(Duration timeout, Path stdout, Map<String, String> environment, String script,
			String... args) {
		List<String> command = new ArrayList<>();
		command.add(this.scripts.resolve(script).toString());
		command.addAll(List.of(args));
		Path stderr = stdout.resolveSibling(stdout.getFileName() + ".err");
		ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(stdout.toFile())
			.redirectError(stderr.toFile())
			.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
		builder.environment().putAll(this.environment);
		builder.environment().putAll(environment);
		try {
			Process process = builder.start();
			if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
				process.destroyForcibly();
				process.waitFor();
				return new ScriptResult(124, stderr);
			}
			return new ScriptResult(process.exitValue(), stderr);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not run " + command, ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while running " + command, ex);
		}
	}

	private static String read(Path file) {
		try {
			return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static String tail(Path file, int lines) {
		List<String> all = read(file).lines().toList();
		String stderr = read(file.resolveSibling(file.getFileName() + ".err"));
		List<String> combined = new ArrayList<>(all);
		combined.addAll(stderr.lines().toList());
		return String.join("\n", combined.subList(Math.max(0, combined.size() - lines), combined.size()));
	}

	private record ScriptResult(int exitCode, Path stderr) {
	}


	/**
	 * Waits until a node program has written a file on the share, for as long as the program
	 * makes progress ({@link #PROGRAM_STALL}, {@link #PROGRAM_CAP}).
	 * @param file the file on the host side of the share
	 * @param program the program that writes it
	 * @throws AssertionError if the program ends first, or stalls, or the cap is reached
	 */
	static void awaitFile(Path file, NodeProcess program) throws Exception {
		awaitFile(file, program, PROGRAM_STALL);
	}

	/**
	 * Waits until a node program has written a file on the share, for as long as the program
	 * makes progress or the stall window lasts.
	 * @param file the file on the host side of the share
	 * @param program the program that writes it
	 * @param stall how long the program may show no progress (longer when the step waits for
	 * something on purpose, such as a lock held elsewhere or a cluster recovery)
	 * @throws AssertionError if the program ends first, or stalls, or the cap is reached
	 */
	static void awaitFile(Path file, NodeProcess program, Duration stall) throws Exception {
		ProgressDeadline.of(file.getFileName() + " written by " + program, stall, PROGRAM_CAP)
			.polling(Duration.ofMillis(100))
			.await(program.progress(), () -> {
				if (Files.exists(file)) {
					return true;
				}
				program.assertRunning("before writing " + file);
				return false;
			});
	}

}
