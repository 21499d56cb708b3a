package io.github.dlm.cluster;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The kernel DLM across nodes as C programs see it (libdlm directly, no Java): the ground
 * truth the Java backends are held to. Uses {@code cluster/smoke/dlm_smoke.c}, compiled in
 * every node.
 */
@ExtendWith(ClusterExtension.class)
class LibDlmClusterIT {

	/** How long one C program may take at most (they run for seconds). */
	private static final Duration TIMEOUT = Duration.ofMinutes(5);

	private static final String PROGRAM = "/root/dlm_smoke";

	@BeforeAll
	static void compileOnEveryNode(VmCluster cluster) throws Exception {
		Files.copy(cluster.scriptsDirectory().resolve("smoke/dlm_smoke.c"), cluster.share().resolve("dlm_smoke.c"),
				java.nio.file.StandardCopyOption.REPLACE_EXISTING);
		for (int node = 1; node <= cluster.nodes(); node++) {
			CommandResult gcc = cluster.run(node, "gcc -O2 -Wall -D_REENTRANT -o " + PROGRAM + " "
					+ VmCluster.GUEST_SHARE + "/dlm_smoke.c -ldlm -lpthread", TIMEOUT);
			assertThat(gcc.exitCode()).as(gcc.describe()).isZero();
		}
	}

	@Test
	void exclusiveHolderOnOneNodeMakesNoqueueRequestsElsewhereFailWithEagain(VmCluster cluster) throws Exception {
		Path run = cluster.newRunDirectory("noqueue");
		String resource = "nq-" + run.getFileName().toString().hashCode();
		NodeProcess holder = cluster.start(1, hold(cluster, run, resource, "EX", "held"), TIMEOUT);
		VmCluster.awaitFile(run.resolve("held"), holder);
		for (int node = 2; node <= cluster.nodes(); node++) {
			CommandResult attempt = cluster.run(node, PROGRAM + " try " + resource, TIMEOUT);
			assertThat(attempt.exitCode()).as(attempt.describe()).isEqualTo(11);
			assertThat(attempt.stdout()).as(attempt.describe()).contains("sb_status=11");
		}
		Files.writeString(run.resolve("release-held"), "");
		CommandResult released = holder.await();
		assertThat(released.exitCode()).as(released.describe()).isZero();
		assertThat(released.stdout()).contains("sb_status=65538");

		CommandResult free = cluster.run(cluster.nodes(), PROGRAM + " try " + resource, TIMEOUT);
		assertThat(free.exitCode()).as(free.describe()).isZero();
		assertThat(free.stdout()).contains("sb_status=0");
	}

	@Test
	void protectedReadIsSharedAcrossNodesButKeepsExclusiveOut(VmCluster cluster) throws Exception {
		Path run = cluster.newRunDirectory("shared");
		String resource = "pr-" + run.getFileName().toString().hashCode();
		NodeProcess first = cluster.start(1, hold(cluster, run, resource, "PR", "pr1"), TIMEOUT);
		VmCluster.awaitFile(run.resolve("pr1"), first);
		NodeProcess second = cluster.start(2, hold(cluster, run, resource, "PR", "pr2"), TIMEOUT);
		VmCluster.awaitFile(run.resolve("pr2"), second);
		int other = (cluster.nodes() >= 3) ? 3 : 1;
		CommandResult exclusive = cluster.run(other, PROGRAM + " try " + resource, TIMEOUT);
		assertThat(exclusive.exitCode()).as(exclusive.describe()).isEqualTo(11);
		Files.writeString(run.resolve("release-pr1"), "");
		Files.writeString(run.resolve("release-pr2"), "");
		assertThat(first.await().exitCode()).isZero();
		assertThat(second.await().exitCode()).isZero();
	}

	@Test
	void valueBlockCounterPublishedByDownConversionCountsEveryIncrementWhileNlLocksKeepTheResource(
			VmCluster cluster) throws Exception {
		Path run = cluster.newRunDirectory("lvb");
		String resource = "lvb-" + run.getFileName().toString().hashCode();
		int iterations = 30;
		List<NodeProcess> nodes = new ArrayList<>();
		for (int node = 1; node <= cluster.nodes(); node++) {
			nodes.add(cluster.start(node, PROGRAM + " lvbcount " + resource + " " + iterations + " "
					+ cluster.guestPath(run) + "/go 1 " + cluster.guestPath(run) + "/ready-" + node, TIMEOUT));
		}
		try {
			// Every program holds its NL keeper lock before any starts counting.
			for (NodeProcess node : nodes) {
				VmCluster.awaitFile(run.resolve("ready-" + node.node()), node);
			}
		}
		finally {
			Files.writeString(run.resolve("go"), "");
		}
		List<Long> seen = new ArrayList<>();
		for (NodeProcess node : nodes) {
			CommandResult result = node.await();
			assertThat(result.exitCode()).as(result.describe()).isZero();
			String line = result.stdout().lines().filter((l) -> l.startsWith("seen:")).findFirst().orElseThrow();
			assertThat(line).as("no value block reported invalid").doesNotContain("!");
			for (String value : line.substring("seen:".length()).trim().split(" +")) {
				seen.add(Long.valueOf(value));
			}
		}
		assertThat(seen).containsExactlyInAnyOrderElementsOf(
				LongStream.range(0, (long) iterations * cluster.nodes()).boxed().toList());
	}

	private static String hold(VmCluster cluster, Path run, String resource, String mode, String marker) {
		String dir = cluster.guestPath(run);
		return PROGRAM + " hold " + resource + " " + mode + " " + dir + "/" + marker + " " + dir + "/release-" + marker;
	}

}
