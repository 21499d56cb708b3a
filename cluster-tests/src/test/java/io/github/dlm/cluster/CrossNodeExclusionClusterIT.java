package io.github.dlm.cluster;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;

import io.github.dlm.cluster.node.CounterNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Mutual exclusion across nodes through the native backend: every node increments a counter
 * kept in the resource's lock value block, under EX, at the same time.
 */
@ExtendWith(ClusterExtension.class)
class CrossNodeExclusionClusterIT {

	private static final int ITERATIONS = 40;

	/** How long a node program may run at most. */
	private static final Duration NODE_TIMEOUT = Duration.ofMinutes(20);

	@Test
	void everyIncrementOfAValueBlockCounterIsSeenExactlyOnce(VmCluster cluster) throws Exception {
		Path run = cluster.newRunDirectory("counter");
		String resource = "counter-" + run.getFileName().toString().hashCode();
		List<NodeProcess> nodes = new ArrayList<>();
		for (int node = 1; node <= cluster.nodes(); node++) {
			nodes.add(cluster.start(node, cluster.javaCommand(CounterNode.class, "count", cluster.guestPath(run),
					node, "clusterit", resource, ITERATIONS), NODE_TIMEOUT));
		}
		long total = (long) cluster.nodes() * ITERATIONS;
		CommandResult read;
		try {
			awaitAll(run, "ready-", cluster.nodes(), nodes);
			Files.writeString(run.resolve("go"), "go\n");
			awaitAll(run, "finished-", cluster.nodes(), nodes);
			// Read while the nodes' NL keeper locks still hold the resource (and its value block).
			read = cluster.run(1, cluster.javaCommand(CounterNode.class, "read", "clusterit", resource), NODE_TIMEOUT);
		}
		finally {
			Files.writeString(run.resolve("go"), "go\n");
			Files.writeString(run.resolve("release"), "release\n");
		}
		assertThat(read.exitCode()).as(read.describe()).isZero();
		assertThat(read.stdout()).as(read.describe()).contains("VALUE " + total);

		List<Long> seen = new ArrayList<>();
		for (NodeProcess node : nodes) {
			CommandResult result = node.await();
			assertThat(result.exitCode()).as(result.describe()).isZero();
			assertThat(result.stdout()).as(result.describe()).contains("violations=0");
			List<Long> values = Files.readAllLines(run.resolve("values-" + result.node() + ".txt"))
				.stream()
				.map(Long::valueOf)
				.toList();
			assertThat(values).as("node %d saw its own increments in order", result.node()).isSorted();
			seen.addAll(values);
		}
		assertThat(seen).as("every counter value was seen by exactly one critical section")
			.containsExactlyInAnyOrderElementsOf(LongStream.range(0, total).boxed().toList());
	}

	private static void awaitAll(Path run, String prefix, int count, List<NodeProcess> nodes) throws Exception {
		ProgressSignal[] signals = new ProgressSignal[nodes.size() + 1];
		signals[0] = ProgressSignal.entriesOf(run);
		for (int i = 0; i < nodes.size(); i++) {
			signals[i + 1] = nodes.get(i).progress();
		}
		ProgressDeadline.of(count + " nodes to write " + prefix + "*", VmCluster.PROGRAM_STALL, VmCluster.PROGRAM_CAP)
			.polling(Duration.ofMillis(200))
			.await(ProgressSignal.anyOf(signals), () -> {
				long ready;
				try (var files = Files.list(run)) {
					ready = files.filter((file) -> file.getFileName().toString().startsWith(prefix)).count();
				}
				if (ready == count) {
					return true;
				}
				for (NodeProcess node : nodes) {
					node.assertRunning("before writing " + prefix + "*");
				}
				return false;
			});
	}

}
