package io.github.dlm.cluster;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

import io.github.dlm.cluster.node.HoldNode;
import io.github.dlm.cluster.node.TokenNode;
import io.github.dlm.cluster.node.ValueBlockNode;
import io.github.dlm.lock.FencingTokens;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The failures a lock service exists for, with fencing on: a holder that stalls keeps its
 * lock for as long as it stalls, and a holder cut off from the others loses it only once the
 * harness has fenced its node. The fenced node also masters a resource whose published value
 * block only another node's anchor retains (the reader then finds the value marked not
 * valid), and the companion of a key whose fencing tokens writers on all three nodes use
 * (the tokens keep increasing across a JVM kill and the fence). Fences a node, so a later
 * class gets a fresh cluster.
 */
@ExtendWith(ClusterExtension.class)
@Order(Integer.MAX_VALUE - 2)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FencingClusterIT {

	/** How long a node program may run at most. */
	private static final Duration TIMEOUT = Duration.ofMinutes(20);

	/**
	 * How long the survivors may take to see a node fail, fence it and recover its locks:
	 * nothing in the waiting node moves meanwhile.
	 */
	private static final Duration RECOVERY = Duration.ofMinutes(5);

	/**
	 * How long a paused holder is watched: twice corosync's token timeout (10 s), so that a
	 * lease or a failure detector would have fired by then.
	 */
	private static final Duration PAUSE = Duration.ofSeconds(20);

	private static final String LOCKSPACE = "fencing";

	@Test
	@Order(1)
	void pausedJvmKeepsItsLockAndNobodyIsGrantedMeanwhile(VmCluster cluster) throws Exception {
		long start = System.currentTimeMillis();
		Path run = cluster.newRunDirectory("pause-jvm");
		String resource = "paused-" + run.getFileName().toString().hashCode();
		NodeProcess holder = cluster.start(1, hold(cluster, run, "holder", resource), TIMEOUT);
		VmCluster.awaitFile(run.resolve("granted-holder"), holder);
		cluster.pauseJvm(holder);
		NodeProcess waiter = cluster.start(2, hold(cluster, run, "waiter", resource), TIMEOUT);
		VmCluster.awaitFile(run.resolve("requesting-waiter"), waiter);

		// The point is that nothing happens: for PAUSE the stopped holder keeps its EX, the
		// waiter is not granted, and nobody is fenced (the holder's node is healthy).
		Thread.sleep(PAUSE.toMillis());
		assertThat(run.resolve("granted-waiter")).as("granted while the holder's JVM was paused").doesNotExist();
		assertThat(cluster.fenceEventsSince(start)).as("fencing while only a JVM was paused").isEmpty();

		cluster.resumeJvm(holder);
		Files.writeString(run.resolve("release-holder"), "");
		VmCluster.awaitFile(run.resolve("granted-waiter"), waiter);
		Files.writeString(run.resolve("release-waiter"), "");
		for (NodeProcess program : List.of(holder, waiter)) {
			CommandResult result = program.await();
			assertThat(result.exitCode()).as(result.describe()).isZero();
			assertThat(result.stdout()).as(result.describe()).contains("RELEASED UNLOCKED");
		}
	}

	@Test
	@Order(2)
	void partitionedHolderIsFencedBeforeAnotherNodeIsGranted(VmCluster cluster) throws Exception {
		int cutOff = cluster.nodes();
		Path run = cluster.newRunDirectory("partition");
		String resource = "partitioned-" + run.getFileName().toString().hashCode();
		String valueKey = "value-" + run.getFileName().toString().hashCode();
		TokenWriters writers = new TokenWriters(run, "tokens-" + run.getFileName().toString().hashCode());
		NodeProcess publisher = publishValueAndStartWriters(cluster, run, cutOff, valueKey, writers);
		NodeProcess holder = cluster.start(cutOff, hold(cluster, run, "holder", resource), TIMEOUT);
		writers.awaitMore("t2b", 1);
		VmCluster.awaitFile(run.resolve("granted-holder"), holder);
		NodeProcess survivor = cluster.start(1, hold(cluster, run, "survivor", resource), TIMEOUT);
		VmCluster.awaitFile(run.resolve("requesting-survivor"), survivor);
		// The survivor's request reaches the DLM and waits behind the holder's EX.
		Thread.sleep(3000);
		assertThat(run.resolve("granted-survivor")).doesNotExist();

		Map<String, Integer> tokensBefore = writers.counts();
		long partitioned = System.currentTimeMillis();
		cluster.partition(cutOff);
		VmCluster.awaitFile(run.resolve("granted-survivor"), survivor, RECOVERY);
		long granted = Files.getLastModifiedTime(run.resolve("granted-survivor")).toMillis();

		List<FenceEvent> events = cluster.fenceEventsSince(partitioned);
		FenceEvent requested = first(events, FenceEvent.Kind.REQUESTED, cutOff);
		FenceEvent fenced = first(events, FenceEvent.Kind.FENCED, cutOff);
		System.out.printf("node %d partitioned at %d: fence requested +%d ms, fenced +%d ms, node 1 granted +%d ms%n",
				cutOff, partitioned, requested.atMillis() - partitioned, fenced.atMillis() - partitioned,
				granted - partitioned);
		assertThat(requested.atMillis()).as("fence requested after the partition").isGreaterThanOrEqualTo(partitioned);
		assertThat(fenced.atMillis()).as("fenced after it was requested").isGreaterThanOrEqualTo(requested.atMillis());
		assertThat(granted).as("the survivor granted only after the holder was fenced: " + events)
			.isGreaterThanOrEqualTo(fenced.atMillis());
		assertThat(fenced.line()).contains("killed");

		Files.writeString(run.resolve("release-survivor"), "");
		CommandResult survived = survivor.await();
		assertThat(survived.exitCode()).as(survived.describe()).isZero();
		assertThat(holder.await().exitCode()).as("the holder's command died with its fenced node").isEqualTo(125);
		assertThat(cluster.isAlive(cutOff)).isFalse();

		// The value's master was fenced; only node 1's NL anchor (with VALBLK, and a copy of
		// the value it re-read after the publish) remains: the kernel's recovery rebuilds the
		// value block from that copy and, no lock above CR being left, marks it VALNOTVALID.
		// Pinned (cluster/README.md, "Seen on the real kernel").
		NodeProcess reader = cluster.start(2, value(cluster, run, "vread", valueKey, "read"), TIMEOUT);
		writers.assertIncreasingAfterRecovery(cluster, tokensBefore);
		VmCluster.awaitFile(run.resolve("read-vread"), reader, RECOVERY);
		String read = Files.readString(run.resolve("read-vread")).trim();
		System.out.printf("value block published as v42 on node 1, mastered on node %d, read on node 2 after node %d "
				+ "was fenced: %s%n", cutOff, cutOff, read);
		Files.writeString(run.resolve("exit-vpub"), "");
		for (NodeProcess program : List.of(reader, publisher)) {
			CommandResult result = program.await();
			assertThat(result.exitCode()).as(result.describe()).isZero();
		}
		assertThat(read).as("as found: the value is kept, marked not valid, when the master node is fenced and "
				+ "only anchors retain it; update cluster/README.md if this changes")
			.startsWith("value=v42 valid=false ");
	}

	/** The token writers of one run, by name, and the tokens they logged. */
	private static final class TokenWriters {

		private final Path run;

		private final String key;

		private final Map<String, NodeProcess> programs = new LinkedHashMap<>();

		TokenWriters(Path run, String key) {
			this.run = run;
			this.key = key;
		}

		/** Starts a writer. */
		NodeProcess launch(VmCluster cluster, int node, String name) {
			NodeProcess program = cluster.start(node, cluster.javaCommand(TokenNode.class, "token",
					cluster.guestPath(this.run), name, LOCKSPACE, this.key), TIMEOUT);
			this.programs.put(name, program);
			return program;
		}

		/** Leaves a writer that was killed out of the checks that need it running. */
		void forget(String name) {
			this.programs.remove(name);
		}

		/** Waits until a writer logged {@code more} tokens beyond what it has now. */
		void awaitMore(String name, int more) throws Exception {
			NodeProcess program = this.programs.get(name);
			int target = tokens(name).size() + more;
			ProgressDeadline.of(more + " more tokens from " + name, RECOVERY, Duration.ofMinutes(15))
				.polling(Duration.ofMillis(200))
				.await(program.progress(), () -> {
					if (tokens(name).size() >= target) {
						return true;
					}
					program.assertRunning("before logging " + target + " tokens");
					return false;
				});
		}

		Map<String, Integer> counts() throws Exception {
			Map<String, Integer> counts = new TreeMap<>();
			for (String name : this.programs.keySet()) {
				counts.put(name, tokens(name).size());
			}
			return counts;
		}

		/**
		 * Waits for the survivors to store tokens after the recovery, stops them and checks
		 * every writer's log: no token at or below one the storage held when it was used, no
		 * token twice.
		 */
		void assertIncreasingAfterRecovery(VmCluster cluster, Map<String, Integer> before) throws Exception {
			List<String> survivors = this.programs.keySet()
				.stream()
				.filter((name) -> cluster.isAlive(this.programs.get(name).node()))
				.toList();
			for (String name : survivors) {
				awaitMore(name, 3);
			}
			for (String name : survivors) {
				Files.writeString(this.run.resolve("stop-" + name), "");
			}
			for (String name : survivors) {
				CommandResult result = this.programs.get(name).await();
				assertThat(result.exitCode()).as(result.describe()).isZero();
			}
			List<long[]> all = new ArrayList<>();
			Set<Long> epochsBefore = new TreeSet<>();
			Set<Long> epochsAfter = new TreeSet<>();
			try (Stream<Path> logs = Files.list(this.run)) {
				for (Path log : logs.filter((file) -> file.getFileName().toString().startsWith("tokens-")).toList()) {
					String name = log.getFileName().toString().substring("tokens-".length());
					List<long[]> tokens = tokens(name);
					all.addAll(tokens);
					for (int i = 0; i < tokens.size(); i++) {
						boolean after = survivors.contains(name) && i >= before.getOrDefault(name, 0);
						(after ? epochsAfter : epochsBefore).add(FencingTokens.epoch(tokens.get(i)[0]));
					}
				}
			}
			System.out.printf("fencing tokens: %d grants on 3 nodes (a JVM killed, node 3 fenced); epochs before the "
					+ "partition or on the fenced node %s, on the survivors after it %s%n", all.size(), epochsBefore,
					epochsAfter);
			assertThat(all).as("a token at or below one the storage had accepted")
				.noneMatch((line) -> line[0] <= line[1]);
			assertThat(all.stream().map((line) -> line[0]).distinct().count()).as("tokens issued twice")
				.isEqualTo(all.size());
		}

		/** The lines {@code <token> <stored before>} a writer logged. */
		List<long[]> tokens(String name) throws Exception {
			Path log = this.run.resolve("tokens-" + name);
			if (!Files.exists(log)) {
				return List.of();
			}
			return Files.readAllLines(log)
				.stream()
				.filter((line) -> line.matches("[0-9]+ [0-9]+"))
				.map((line) -> Arrays.stream(line.split(" ")).mapToLong(Long::parseLong).toArray())
				.toList();
		}

	}

	/**
	 * Node {@code master} locks the value's key first, so that it masters the resource, and
	 * drops to NL; node 1 then publishes "v42" through the registry and keeps its lock object
	 * (and with it the NL anchor that retains the value). Meanwhile writers that store with
	 * fencing tokens ({@link TokenNode}) start on one key: first on {@code master}, so that it
	 * masters the key's token companion, then on nodes 1 and 2; node 2's is killed
	 * ({@code kill -9} of its JVM) and started again, which the caller awaits. JVMs start side
	 * by side where the order allows: each takes minutes under emulation on a loaded host.
	 */
	private static NodeProcess publishValueAndStartWriters(VmCluster cluster, Path run, int master, String key,
			TokenWriters writers) throws Exception {
		NodeProcess first = cluster.start(master, value(cluster, run, "vmaster", key, "master"), TIMEOUT);
		writers.launch(cluster, master, "t" + master);
		VmCluster.awaitFile(run.resolve("granted-vmaster"), first);
		Files.writeString(run.resolve("release-vmaster"), "");
		VmCluster.awaitFile(run.resolve("released-vmaster"), first);
		writers.awaitMore("t" + master, 1);
		NodeProcess publisher = cluster.start(1, value(cluster, run, "vpub", key, "publish v42"), TIMEOUT);
		writers.launch(cluster, 1, "t1");
		NodeProcess killed = writers.launch(cluster, 2, "t2a");
		VmCluster.awaitFile(run.resolve("published-vpub"), publisher);
		assertThat(Files.readString(run.resolve("published-vpub"))).contains("retaining=true");
		CommandResult where = cluster.run(1, "dlm_tool lockdebug -v " + LOCKSPACE + " | grep -A3 '" + key + "'",
				Duration.ofMinutes(1));
		System.out.printf("resource %s as node 1 sees it before the fence:%n%s%n", key, where.stdout());
		writers.awaitMore("t1", 1);
		writers.awaitMore("t2a", 3);
		cluster.killJvm(killed);
		assertThat(killed.await().exitCode()).as("the writer's JVM killed").isNotZero();
		writers.forget("t2a");
		writers.launch(cluster, 2, "t2b");
		return publisher;
	}

	private static String value(VmCluster cluster, Path run, String name, String key, String role) {
		return cluster.javaCommand(ValueBlockNode.class, "value", cluster.guestPath(run), name, LOCKSPACE, key, role);
	}

	private static FenceEvent first(List<FenceEvent> events, FenceEvent.Kind kind, int node) {
		return events.stream()
			.filter((event) -> event.kind() == kind && event.node() == node)
			.findFirst()
			.orElseThrow(() -> new AssertionError("No " + kind + " for node " + node + " in the fence log: " + events));
	}

	private static String hold(VmCluster cluster, Path run, String name, String resource) {
		return cluster.javaCommand(HoldNode.class, "hold", cluster.guestPath(run), name, LOCKSPACE, resource, "EX");
	}

}
