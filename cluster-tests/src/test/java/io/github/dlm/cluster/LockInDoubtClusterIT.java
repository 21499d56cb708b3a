package io.github.dlm.cluster;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.github.dlm.cluster.node.LockInDoubtNode;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * "Lock in doubt" from the kernel's and dlm_controld's own signals, with fencing on: every
 * node holds locks through a registry with a lock-in-doubt listener ({@link LockInDoubtNode});
 * the last node is cut off the switch. Its JVM is told that its locks are in doubt (its
 * lockspace stopped, waiting for quorum) before the quorate part fences it, which a line on
 * the share proves by itself (a killed node writes nothing); the survivors are told that
 * recovery started and, after the fence, that it ended. Prints the times from the partition
 * to each event. Fences a node, so it runs among the classes that do, before them, and a
 * later class gets a fresh cluster. Took 88-90 s here (two runs, TCG, on a cluster already
 * up): the node programs' start, about 26 s to the fence, and 3 s more to recovery.
 */
@ExtendWith(ClusterExtension.class)
@Order(Integer.MAX_VALUE - 4)
class LockInDoubtClusterIT {

	/** How long a node program may run at most. */
	private static final Duration TIMEOUT = Duration.ofMinutes(20);

	/** How long the cluster may take to notice the partition, fence and recover. */
	private static final Duration RECOVERY = Duration.ofMinutes(5);

	/** How often the node programs read their lockspace's condition. */
	private static final long POLL_MILLIS = 250;

	private static final String LOCKSPACE = "doubt";

	@Test
	void cutOffNodeIsToldItsLocksAreInDoubtBeforeItIsFencedAndSurvivorsSeeRecovery(VmCluster cluster)
			throws Exception {
		int cutOff = cluster.nodes();
		Path run = cluster.newRunDirectory("doubt");
		String tag = Integer.toHexString(run.getFileName().toString().hashCode());
		String order = "order-" + tag;
		Map<Integer, NodeProcess> programs = new LinkedHashMap<>();
		for (int node = 1; node <= cutOff; node++) {
			String keys = (node == cutOff) ? order + "=EX,catalog-" + tag + "=PR"
					: "survivor" + node + "-" + tag + "=EX,catalog-" + tag + "=PR";
			programs.put(node, cluster.start(node, cluster.javaCommand(LockInDoubtNode.class, "doubt",
					cluster.guestPath(run), "n" + node, LOCKSPACE, POLL_MILLIS, keys), TIMEOUT));
		}
		for (Map.Entry<Integer, NodeProcess> program : programs.entrySet()) {
			VmCluster.awaitFile(run.resolve("granted-n" + program.getKey()), program.getValue());
		}
		Map<Integer, ClockOffset> offsets = new LinkedHashMap<>();
		for (int node = 1; node <= cutOff; node++) {
			offsets.put(node, ClockOffset.of(cluster, node));
		}
		for (int node = 1; node <= cutOff; node++) {
			assertThat(run.resolve("events-n" + node)).as("no change before the partition").doesNotExist();
		}

		long partitioned = System.currentTimeMillis();
		cluster.partition(cutOff);
		for (int node = 1; node < cutOff; node++) {
			Path events = run.resolve("events-n" + node);
			NodeProcess survivor = programs.get(node);
			ProgressDeadline.of("recovery ended on node " + node, RECOVERY, RECOVERY)
				.polling(Duration.ofMillis(200))
				.await(ProgressSignal.sizeOf(events), () -> {
					survivor.assertRunning("before recovery ended");
					return Files.exists(events) && Files.readString(events).contains(" RUNNING recovery ended");
				});
		}
		List<FenceEvent> fences = cluster.fenceEventsSince(partitioned);
		FenceEvent fenced = fences.stream()
			.filter((event) -> event.kind() == FenceEvent.Kind.FENCED && event.node() == cutOff)
			.findFirst()
			.orElseThrow(() -> new AssertionError("node " + cutOff + " not fenced: " + fences));
		assertThat(programs.get(cutOff).await().exitCode()).as("the cut-off node's program died with its node")
			.isEqualTo(125);

		List<Event> cutOffEvents = Event.read(run.resolve("events-n" + cutOff), offsets.get(cutOff));
		System.out.printf("node %d partitioned at %d; fenced +%d ms; clock offsets %s%n", cutOff, partitioned,
				fenced.atMillis() - partitioned, offsets);
		print(cutOff, cutOffEvents, partitioned);
		Event inDoubt = cutOffEvents.stream()
			.filter(Event::isInDoubt)
			.findFirst()
			.orElseThrow(() -> new AssertionError("node " + cutOff + "'s JVM wrote no in-doubt event before it was "
					+ "fenced: " + cutOffEvents));
		assertThat(inDoubt.state()).as(inDoubt.line()).isEqualTo("NO_QUORUM");
		assertThat(inDoubt.line()).contains("quorum lost").contains(order + "/EX/main").contains("/PR/main");
		assertThat(inDoubt.hostMillis()).as("written before the fence (node clock corrected, +/- %d ms): %s",
				offsets.get(cutOff).uncertainty(), inDoubt.line())
			.isLessThan(fenced.atMillis() + offsets.get(cutOff).uncertainty());

		for (int node = 1; node < cutOff; node++) {
			List<Event> events = Event.read(run.resolve("events-n" + node), offsets.get(node));
			print(node, events, partitioned);
			assertThat(events).extracting(Event::summary).containsSubsequence("recovery started", "recovery ended");
			Event started = events.stream().filter(Event::isInDoubt).findFirst().orElseThrow();
			assertThat(started.state()).isEqualTo("RECOVERING");
			assertThat(started.line()).contains("survivor" + node + "-" + tag + "/EX/main");
			Files.writeString(run.resolve("release-n" + node), "");
		}
		for (int node = 1; node < cutOff; node++) {
			CommandResult result = programs.get(node).await();
			assertThat(result.exitCode()).as(result.describe()).isZero();
			assertThat(result.stdout()).as(result.describe()).contains("RELEASED");
		}
	}

	private static void print(int node, List<Event> events, long partitioned) {
		for (Event event : events) {
			System.out.printf("node %d: +%d ms after the partition (node clock corrected): %s%n", node,
					event.hostMillis() - partitioned, event.line());
		}
	}

	/** A node's clock minus the host's, measured through one round trip. */
	private record ClockOffset(long millis, long uncertainty) {

		static ClockOffset of(VmCluster cluster, int node) {
			long before = System.currentTimeMillis();
			CommandResult date = cluster.run(node, "date +%s%3N", Duration.ofMinutes(1));
			long after = System.currentTimeMillis();
			long guest = Long.parseLong(date.stdout().trim());
			return new ClockOffset(guest - (before + after) / 2, (after - before) / 2);
		}

		@Override
		public String toString() {
			return this.millis + "+/-" + this.uncertainty + " ms";
		}

	}

	/** One line a node program wrote: {@code <millis> <state> <summary> | <cause> | <holds>}. */
	private record Event(long hostMillis, String state, String summary, String line) {

		static List<Event> read(Path file, ClockOffset offset) throws Exception {
			if (!Files.exists(file)) {
				return List.of();
			}
			return Files.readAllLines(file).stream().filter((line) -> !line.isBlank()).map((line) -> {
				String[] words = line.split(" ", 3);
				String summary = words[2].substring(0, words[2].indexOf(" | "));
				return new Event(Long.parseLong(words[0]) - offset.millis(), words[1], summary, line);
			}).toList();
		}

		boolean isInDoubt() {
			return !this.state.equals("RUNNING");
		}

		@Override
		public String toString() {
			return this.line;
		}

	}

}
