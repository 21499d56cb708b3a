package io.github.dlm.cluster;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import io.github.dlm.cluster.FaultWorkload.Kind;
import io.github.dlm.cluster.workload.WorkloadChecker.FaultResult;
import io.github.dlm.cluster.workload.WorkloadReport;
import io.github.dlm.cluster.workload.PeerSystems;
import io.github.dlm.cluster.workload.WorkloadSystem;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Jepsen-style fault workload, shortened for CI: {@code dlm-registry} and
 * {@code dlm-annotation} clients on every node increment one counter on the share under one
 * EX lock while every fault kind strikes once, in a random order (seeded; the seed is
 * printed), each aimed at the lock's holder; then the checker must find no lost update, no
 * two holders at once, every holder's node fenced before another node was granted, and the
 * paused JVM's hold lasting past its pause. Then, when {@code dlm.workload.peer-setup}
 * starts the peers' servers, for each lease-based peer ({@code PeerSystems}) the same
 * workload with its JVM paused past the lease (or the fault kinds
 * {@code dlm.workload.peer-faults} names; a node fault then strikes a node other than node 1,
 * where the servers run; a clock step is undone after 30 s, and every node's clock is set to
 * the host's before the phase and after a reboot): its lost updates and overlaps are reported, not asserted. CI
 * runs the DLM phase only.
 * <p>
 * Fences and kills nodes and boots them again, so the cluster is whole at the end; ordered
 * after the classes that never fence. System properties: {@code dlm.workload.seed},
 * {@code dlm.workload.rounds} (how many times each fault kind strikes, default 1),
 * {@code dlm.workload.systems} (comma-separated phases, each a {@code +}-joined list of
 * systems run together; default {@code dlm-registry+dlm-annotation}, then, with a peer
 * setup, every peer), {@code dlm.workload.peer-faults} (fault kinds for the peers, default
 * {@code pause-jvm}), {@code dlm.workload.pause} and {@code dlm.workload.peer-pause} (how
 * long a paused JVM stays paused: 20 s, past corosync's token timeout; 70 s, past the peers'
 * default leases), {@code dlm.workload.report} (a markdown file the table rows are appended
 * to), {@code dlm.workload.peer-setup} (a command run on node 1 before the first peer phase,
 * to start the peers' servers).
 */
@ExtendWith(ClusterExtension.class)
@Order(Integer.MAX_VALUE - 3)
class FaultWorkloadClusterIT {

	private static final String DLM = "dlm-registry+dlm-annotation";

	private static final List<String> PEERS = List.of("redis-default", "redis-short", "jdbc-default", "jdbc-short");

	/** How long a clock step lasts in a peer phase before it is undone. */
	private static final Duration PEER_CLOCK_STEP_HELD = Duration.ofSeconds(30);

	/** Where the peers' servers run. */
	private static final int SERVER_NODE = 1;

	/** {@link #SERVER_NODE}'s address. */
	private static final String SERVER_HOST = "10.77.0." + SERVER_NODE;

	@Test
	void noLostUpdateAndNoTwoHoldersUnderEveryFault(VmCluster cluster) throws Exception {
		long seed = Long.getLong("dlm.workload.seed", System.nanoTime());
		int rounds = Integer.getInteger("dlm.workload.rounds", 1);
		System.out.printf("[workload] seed %d (-Ddlm.workload.seed=%d repeats the choices), %d round(s)%n", seed, seed,
				rounds);
		Random random = new Random(seed);
		List<String> reportRows = new ArrayList<>();
		boolean peersSetUp = false;
		for (String phase : phases()) {
			List<String> systems = List.of(phase.split("\\+"));
			boolean dlm = systems.stream().allMatch((system) -> system.startsWith("dlm-"));
			if (!dlm && !peersSetUp) {
				setUpPeers(cluster);
				peersSetUp = true;
			}
			List<Kind> plan = plan(dlm ? allKinds() : peerKinds(), rounds, random);
			Duration pause = Duration.ofSeconds(Long.getLong(dlm ? "dlm.workload.pause" : "dlm.workload.peer-pause",
					dlm ? 20 : 70));
			long started = System.currentTimeMillis();
			// A node fault on the peers' server node would take their lock service down with it,
			// which says nothing about its leases: their node faults strike the client nodes.
			List<Integer> nodeFaultTargets = IntStream.rangeClosed(dlm ? 1 : SERVER_NODE + 1, cluster.nodes())
				.boxed()
				.toList();
			// A JDBC lease is timed by its clients' clocks: a peer phase starts with every node's
			// clock on the host's (and a node booted again gets it too), and a clock step acts
			// for a while and is undone, in its own fault's time.
			if (!dlm) {
				syncClocks(cluster);
			}
			FaultWorkload workload = new FaultWorkload(cluster, phase, systems, SERVER_HOST, pause, nodeFaultTargets,
					dlm ? null : PEER_CLOCK_STEP_HELD, random);
			WorkloadReport report = workload.run(plan);
			System.out.printf("[workload] %s: %d faults in %d s%n", phase, plan.size(),
					(System.currentTimeMillis() - started) / 1000);
			reportRows.add(report.markdownRows());
			if (dlm) {
				assertSafe(report, workload.directory());
			}
		}
		String report = System.getProperty("dlm.workload.report", "");
		if (!report.isBlank()) {
			Files.writeString(Path.of(report), String.join("", reportRows), StandardOpenOption.CREATE,
					StandardOpenOption.APPEND);
		}
		assertThat(cluster.isWhole()).as("every node booted again after its fault").isTrue();
	}

	private static void setUpPeers(VmCluster cluster) {
		String setup = System.getProperty("dlm.workload.peer-setup", "");
		if (!setup.isBlank()) {
			CommandResult result = cluster.run(SERVER_NODE, setup, Duration.ofMinutes(10));
			assertThat(result.exitCode()).as("peer servers on node 1: " + result.describe()).isZero();
		}
	}

	private static void syncClocks(VmCluster cluster) {
		for (int node = 1; node <= cluster.nodes(); node++) {
			FaultWorkload.syncClock(cluster, node);
		}
	}

	private static void assertSafe(WorkloadReport report, Path run) {
		String where = report.describe() + "\n(histories in " + run + ")";
		assertThat(report.lostUpdates()).as("lost updates: " + where).isZero();
		assertThat(report.overlaps()).as("two holders at once: " + where).isEmpty();
		assertThat(report.acknowledged()).as("increments: " + where).isPositive();
		for (FaultResult result : report.faults()) {
			switch (result.fault().kind()) {
				case "partition", "pause-node", "kill-node" -> assertThat(result.fencedBeforeGranted())
					.as("the holder's node fenced before another node was granted: " + result + "\n" + where)
					.isTrue();
				case "pause-jvm" -> assertThat(result.holdOutlivedPause())
					.as("the paused holder kept its lock through the pause: " + result + "\n" + where)
					.isTrue();
				default -> {
				}
			}
		}
	}

	private static List<String> phases() {
		String configured = System.getProperty("dlm.workload.systems", "");
		if (!configured.isBlank()) {
			return List.of(configured.split(","));
		}
		List<String> phases = new ArrayList<>(List.of(DLM));
		// the peers need their servers, which only dlm.workload.peer-setup starts (workload.sh --peer-setup)
		if (!System.getProperty("dlm.workload.peer-setup", "").isBlank()) {
			PEERS.stream().filter(FaultWorkloadClusterIT::peerExists).forEach(phases::add);
		}
		return phases;
	}

	/**
	 * Whether {@code PeerSystems} knows a peer: it answers {@code null} for a name it does not
	 * know. Asked on the host, where the peer's server (in the cluster's network namespace)
	 * cannot be reached: a system that fails to connect, or takes its time trying, exists.
	 */
	private static boolean peerExists(String name) {
		CompletableFuture<WorkloadSystem> made = CompletableFuture
			.supplyAsync(() -> PeerSystems.create(name, SERVER_HOST));
		try {
			WorkloadSystem system = made.get(10, TimeUnit.SECONDS);
			if (system == null) {
				return false;
			}
			system.close();
			return true;
		}
		catch (Exception ex) {
			return true;
		}
	}

	private static List<Kind> allKinds() {
		return Arrays.asList(Kind.values());
	}

	private static List<Kind> peerKinds() {
		String configured = System.getProperty("dlm.workload.peer-faults", Kind.PAUSE_JVM.label());
		return Arrays.stream(configured.split(","))
			.map((label) -> Arrays.stream(Kind.values()).filter((kind) -> kind.label().equals(label)).findFirst()
				.orElseThrow(() -> new IllegalArgumentException("No fault kind " + label)))
			.toList();
	}

	private static List<Kind> plan(List<Kind> kinds, int rounds, Random random) {
		List<Kind> plan = new ArrayList<>();
		for (int i = 0; i < rounds; i++) {
			plan.addAll(kinds);
		}
		Collections.shuffle(plan, random);
		return plan;
	}

}
