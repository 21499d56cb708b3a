package io.github.dlm.cluster;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import io.github.dlm.cluster.node.ScheduledJobNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code @DlmLocked(minInterval = "30s")} across nodes, in plain Spring contexts with the
 * native backend ({@link ScheduledJobNode} on nodes 1 and 2; the host plays their timers): a
 * job that ran on one node is skipped by the other whose timer fires within the interval,
 * after it finished, and runs once again, on one node, when both timers fire after it.
 */
@ExtendWith(ClusterExtension.class)
class ScheduledJobClusterIT {

	private static final Duration TIMEOUT = Duration.ofMinutes(20);

	/** The job's {@code minInterval}. */
	private static final Duration MIN_INTERVAL = Duration.ofSeconds(30);

	/**
	 * Beyond the interval before the timers fire again, for the spread of the nodes' clocks
	 * (set from the host's at boot).
	 */
	private static final Duration CLOCK_MARGIN = Duration.ofSeconds(10);

	@Test
	void nodesFiringWithinTheIntervalRunTheJobOnceAndAfterItOnceMore(VmCluster cluster) throws Exception {
		Path run = cluster.newRunDirectory("minterval");
		String lockspace = "jobs";
		List<NodeProcess> programs = new ArrayList<>();
		for (int node = 1; node <= 2; node++) {
			programs.add(cluster.start(node,
					cluster.javaCommand(ScheduledJobNode.class, "job", cluster.guestPath(run), "n" + node, lockspace),
					TIMEOUT));
		}
		for (int node = 1; node <= 2; node++) {
			VmCluster.awaitFile(run.resolve("ready-n" + node), programs.get(node - 1));
		}

		// node 1's timer fires first and the job runs to its end ...
		int[] fired = new int[3];
		assertThat(fire(run, programs, fired, 1)).containsExactly("ran");
		// ... then node 2's timer fires, seconds later: it skips
		assertThat(fire(run, programs, fired, 2)).containsExactly("skipped");

		// once the interval is over, the next timers run it once more, on one node
		Thread.sleep(MIN_INTERVAL.plus(CLOCK_MARGIN).toMillis());
		assertThat(fire(run, programs, fired, 1, 2)).containsExactlyInAnyOrder("ran", "skipped");

		for (int node = 1; node <= 2; node++) {
			Files.writeString(run.resolve("exit-n" + node), "");
		}
		for (NodeProcess program : programs) {
			CommandResult result = program.await();
			assertThat(result.exitCode()).as(result.describe()).isZero();
		}
		Map<String, Long> runs = runs(run);
		System.out.printf("job runs (file -> start, node clocks): %s%n", runs);
		assertThat(runs).hasSize(2).containsKey("run-1-n1");
		List<Long> starts = new ArrayList<>(runs.values());
		assertThat(Math.abs(starts.get(1) - starts.get(0))).as("the two runs' starts, by their nodes' clocks")
			.isGreaterThanOrEqualTo(MIN_INTERVAL.toMillis());
	}

	/**
	 * Fires the timers of some nodes at once; their outcomes in node order.
	 * @param fired how often each node's timer fired so far, by node; counted up
	 */
	private static List<String> fire(Path run, List<NodeProcess> programs, int[] fired, int... nodes)
			throws Exception {
		for (int node : nodes) {
			Files.writeString(run.resolve("fire-" + (++fired[node]) + "-n" + node), "");
		}
		List<String> outcomes = new ArrayList<>();
		for (int node : nodes) {
			Path outcome = run.resolve("fired-" + fired[node] + "-n" + node);
			VmCluster.awaitFile(outcome, programs.get(node - 1));
			outcomes.add(Files.readString(outcome).trim());
		}
		return outcomes;
	}

	/** The runs of the timed job (not the warm-ups of round 0): file name to start. */
	private static Map<String, Long> runs(Path run) throws Exception {
		Map<String, Long> runs = new TreeMap<>();
		try (Stream<Path> files = Files.list(run)) {
			for (Path file : files.filter((file) -> file.getFileName().toString().matches("run-[1-9].*")).toList()) {
				runs.put(file.getFileName().toString(), Long.parseLong(Files.readString(file).trim()));
			}
		}
		return runs;
	}

}
