package io.github.dlm.cluster;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

import io.github.dlm.cluster.workload.Fault;
import io.github.dlm.cluster.workload.HistoryEvent;
import io.github.dlm.cluster.workload.SharedCounter;
import io.github.dlm.cluster.workload.WorkloadNode;
import io.github.dlm.cluster.workload.WorkloadRecheck;
import io.github.dlm.cluster.workload.WorkloadReport;
import org.jspecify.annotations.Nullable;

/**
 * One run of the fault workload on a {@link VmCluster}: a {@link WorkloadNode} client per
 * system on every node, all incrementing one counter under one lock, while faults are
 * injected one after the other in the order given; then the histories are checked.
 * <p>
 * Every fault but the clock steps is aimed at the lock's holder: the host first asks a
 * client chosen at random to linger between its read and its write
 * ({@code linger-CLIENT}), waits until it does, and then pauses or kills its JVM, or cuts
 * off, freezes or kills its node. A node that was fenced or killed is booted again and gets
 * new clients, a killed JVM is replaced on its node, so the run goes on with every node;
 * both happen in the background while the next JVM faults strike the running clients (a JVM
 * starts in minutes under emulation on a loaded host), and a node fault waits until the
 * last node is back, so at most one node is down. After each fault the host waits until the
 * counter has moved again.
 */
final class FaultWorkload {

	/** What the run is made of. */
	enum Kind {

		PARTITION("partition"), PAUSE_NODE("pause-node"), PAUSE_JVM("pause-jvm"), KILL_JVM("kill-jvm"),
		KILL_NODE("kill-node"), CLOCK_FORWARD("clock-forward"), CLOCK_BACK("clock-back");

		private final String label;

		Kind(String label) {
			this.label = label;
		}

		String label() {
			return this.label;
		}

	}

	/** How long a client may run at most. */
	private static final Duration CLIENT_TIMEOUT = Duration.ofMinutes(60);

	/** How long the counter may stand still after a fault before the run fails. */
	private static final Duration RECOVERY = Duration.ofMinutes(5);

	/** How far a clock step moves a node's wall clock. */
	private static final Duration CLOCK_STEP = Duration.ofSeconds(90);

	private final VmCluster cluster;

	private final List<String> systems;

	private final String serverHost;

	private final Duration pause;

	private final List<Integer> nodeFaultTargets;

	private final @Nullable Duration clockStepHeld;

	private final Random random;

	private final Path run;

	private final SharedCounter counter;

	private final Map<String, NodeProcess> clients = new ConcurrentHashMap<>();

	private final Map<String, Integer> incarnations = new ConcurrentHashMap<>();

	/** A node being booted again (and its new clients started) while other faults go on. */
	private CompletableFuture<Void> recovering = CompletableFuture.completedFuture(null);

	private int recoveringNode;

	private final List<Fault> faults = new ArrayList<>();

	/**
	 * A run, not started yet.
	 * @param cluster the cluster
	 * @param label names the run directory
	 * @param systems the systems whose clients run together, one of each per node
	 * @param serverHost where the peers' servers run
	 * @param pause how long a paused JVM stays paused
	 * @param nodeFaultTargets the nodes a partition, pause-node or kill-node may strike
	 * (the peers' runs spare the node their servers run in)
	 * @param clockStepHeld how long a clock step lasts before the node's clock is stepped
	 * back, or {@code null} to leave it stepped (a lease that a client's clock times lets the
	 * step act until it is undone; undone before the next fault, it acts in that fault's time
	 * only); when set, a node booted again after a fault also has its clock set to the host's
	 * @param random the source of every choice
	 */
	FaultWorkload(VmCluster cluster, String label, List<String> systems, String serverHost, Duration pause,
			List<Integer> nodeFaultTargets, @Nullable Duration clockStepHeld, Random random) {
		this.cluster = cluster;
		this.systems = systems;
		this.serverHost = serverHost;
		this.pause = pause;
		this.nodeFaultTargets = nodeFaultTargets;
		this.clockStepHeld = clockStepHeld;
		this.random = random;
		this.run = cluster.newRunDirectory("workload-" + label);
		this.counter = new SharedCounter(this.run.resolve("counter"));
	}

	/**
	 * Starts the clients, injects the faults, stops the clients and checks the histories.
	 * @param plan the faults, in order
	 * @return the checker's report
	 */
	WorkloadReport run(List<Kind> plan) throws Exception {
		for (int node = 1; node <= this.cluster.nodes(); node++) {
			startClients(node);
		}
		awaitClientsStarted();
		awaitProgress("the first increments", 2L * this.clients.size());
		for (Kind kind : plan) {
			long start = System.currentTimeMillis();
			Fault fault = inject(kind);
			this.faults.add(fault);
			Files.writeString(this.run.resolve("faults.txt"), fault.format() + "\n", StandardOpenOption.CREATE,
					StandardOpenOption.APPEND);
			System.out.printf("[workload] %s (%d s)%n", fault.format(), (System.currentTimeMillis() - start) / 1000);
			awaitProgress("increments after " + kind.label(), 3);
		}
		return stop();
	}

	private Fault inject(Kind kind) throws Exception {
		return switch (kind) {
			case PAUSE_JVM -> pauseJvm();
			case KILL_JVM -> killJvm();
			case PARTITION, PAUSE_NODE, KILL_NODE -> nodeFault(kind);
			case CLOCK_FORWARD -> stepClock(kind, CLOCK_STEP);
			case CLOCK_BACK -> stepClock(kind, CLOCK_STEP.negated());
		};
	}

	private Fault pauseJvm() throws Exception {
		String client = randomClient(0);
		NodeProcess program = this.clients.get(client);
		linger(client);
		long start = System.currentTimeMillis();
		this.cluster.pauseJvm(program);
		Thread.sleep(this.pause.toMillis());
		this.cluster.resumeJvm(program);
		Files.delete(this.run.resolve("linger-" + client));
		return new Fault(Kind.PAUSE_JVM.label(), program.node(), client, start, System.currentTimeMillis(), null);
	}

	private Fault killJvm() throws Exception {
		String client = randomClient(0);
		NodeProcess program = this.clients.get(client);
		linger(client);
		long start = System.currentTimeMillis();
		this.cluster.killJvm(program);
		program.await();
		long end = System.currentTimeMillis();
		this.clients.remove(client);
		startClient(program.node(), systemOf(client));
		return new Fault(Kind.KILL_JVM.label(), program.node(), client, start, end, null);
	}

	private Fault nodeFault(Kind kind) throws Exception {
		this.recovering.get();
		int node = this.nodeFaultTargets.get(this.random.nextInt(this.nodeFaultTargets.size()));
		String client = randomClient(node);
		linger(client);
		long start = System.currentTimeMillis();
		switch (kind) {
			case PARTITION -> this.cluster.partition(node);
			case PAUSE_NODE -> this.cluster.pauseNode(node);
			default -> this.cluster.kill(node);
		}
		long fenced = awaitFenced(node, start);
		if (kind == Kind.PARTITION) {
			this.cluster.heal(node);
		}
		long end = System.currentTimeMillis();
		for (String name : List.copyOf(this.clients.keySet())) {
			if (HistoryEvent.nodeOf(name) == node) {
				this.clients.remove(name).await();
			}
		}
		this.recoveringNode = node;
		this.recovering = CompletableFuture.runAsync(() -> {
			this.cluster.restart(node);
			if (this.clockStepHeld != null) {
				// a node booted under emulation comes up seconds off the host's clock
				syncClock(this.cluster, node);
			}
			startClients(node);
		});
		return new Fault(kind.label(), node, client, start, end, fenced);
	}

	private Fault stepClock(Kind kind, Duration by) throws InterruptedException {
		List<Integer> up = IntStream.rangeClosed(1, this.cluster.nodes())
			.filter((node) -> this.recovering.isDone() || node != this.recoveringNode)
			.boxed()
			.toList();
		int node = up.get(this.random.nextInt(up.size()));
		long start = System.currentTimeMillis();
		this.cluster.stepClock(node, by);
		if (this.clockStepHeld != null) {
			Thread.sleep(this.clockStepHeld.toMillis());
			this.cluster.stepClock(node, by.negated());
		}
		return new Fault(kind.label(), node, null, start, System.currentTimeMillis(), null);
	}

	/**
	 * Sets a node's wall clock to the host's, read as the modification time of a file the node
	 * writes on the share.
	 * @param cluster the cluster
	 * @param node the node
	 */
	static void syncClock(VmCluster cluster, int node) {
		String file = "/mnt/host/clock-sync-n" + node;
		CommandResult result = cluster.run(node,
				"rm -f " + file + "; echo > " + file + "; date -s @$(stat -c %.9Y " + file + ") >/dev/null; rm -f " + file,
				Duration.ofMinutes(2));
		if (result.exitCode() != 0) {
			throw new IllegalStateException("Clock of node " + node + " not set: " + result.describe());
		}
	}

	/** Makes a client hold the lock and stay in its critical section until told otherwise. */
	private void linger(String client) throws Exception {
		Files.deleteIfExists(this.run.resolve("lingering-" + client));
		Files.writeString(this.run.resolve("linger-" + client), "");
		VmCluster.awaitFile(this.run.resolve("lingering-" + client), this.clients.get(client), RECOVERY);
	}

	private long awaitFenced(int node, long since) throws Exception {
		// A cluster event with nothing to watch meanwhile (corosync's token timeout, then the
		// fence request): a plain deadline.
		return ProgressDeadline.of("node " + node + " fenced", RECOVERY, RECOVERY)
			.awaitValue(ProgressSignal.NONE, () -> this.cluster.fenceEvents()
				.stream()
				.filter((event) -> event.kind() == FenceEvent.Kind.FENCED && event.node() == node
						&& event.atMillis() >= since)
				.map(FenceEvent::atMillis)
				.findFirst()
				.orElse(null));
	}

	private void awaitProgress(String what, long increments) throws Exception {
		long from = this.counter.read();
		// The clients write nothing else the host could watch cheaply: a plain deadline.
		ProgressDeadline.of(what, RECOVERY, RECOVERY)
			.await(ProgressSignal.NONE, () -> this.counter.read() >= from + increments);
	}

	private void startClients(int node) {
		for (String system : this.systems) {
			startClient(node, system);
		}
	}

	private void startClient(int node, String system) {
		String base = "n" + node + "-" + system;
		int incarnation = this.incarnations.merge(base, 1, Integer::sum);
		String client = base + "-" + incarnation;
		String command = this.cluster.javaCommand(WorkloadNode.class, "run", this.cluster.guestPath(this.run), client,
				system, this.serverHost);
		this.clients.put(client, this.cluster.start(node, command, CLIENT_TIMEOUT));
	}

	private void awaitClientsStarted() throws Exception {
		for (Map.Entry<String, NodeProcess> client : Map.copyOf(this.clients).entrySet()) {
			VmCluster.awaitFile(this.run.resolve("started-" + client.getKey()), client.getValue());
		}
	}

	/**
	 * A client chosen at random among those that have started (on a node, or on any), in a
	 * repeatable order.
	 */
	private String randomClient(int node) throws Exception {
		List<String> candidates = this.clients.keySet()
			.stream()
			.filter((client) -> node == 0 || HistoryEvent.nodeOf(client) == node)
			.filter((client) -> Files.exists(this.run.resolve("started-" + client)))
			.sorted()
			.toList();
		if (candidates.isEmpty()) {
			// a replacement still starting: wait for it
			awaitClientsStarted();
			return randomClient(node);
		}
		return candidates.get(this.random.nextInt(candidates.size()));
	}

	private String systemOf(String client) {
		return this.systems.stream()
			.filter((system) -> client.matches("n\\d+-" + Pattern.quote(system) + "-\\d+"))
			.findFirst()
			.orElseThrow();
	}

	private WorkloadReport stop() throws Exception {
		this.recovering.get();
		Files.writeString(this.run.resolve("stop"), "");
		for (Map.Entry<String, NodeProcess> client : this.clients.entrySet()) {
			NodeProcess program = client.getValue();
			// A replacement still starting has nothing to add: it is not waited for.
			boolean started = Files.exists(this.run.resolve("started-" + client.getKey()));
			if (!started) {
				program.cancel();
			}
			CommandResult result = program.await();
			if (started && result.exitCode() != 0) {
				throw new AssertionError("Client " + client.getKey() + " failed: " + result.describe());
			}
		}
		WorkloadReport report = WorkloadRecheck.check(this.run, String.join("+", this.systems), this.faults);
		Files.writeString(this.run.resolve("report.md"), WorkloadReport.MARKDOWN_HEADER + report.markdownRows());
		System.out.println("[workload] run directory " + this.run + "\n" + report.describe());
		return report;
	}

	/**
	 * The run's directory on the host (histories, counter, faults, report).
	 * @return the directory
	 */
	Path directory() {
		return this.run;
	}

}
