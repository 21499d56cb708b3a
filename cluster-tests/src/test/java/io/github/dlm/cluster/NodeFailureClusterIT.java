package io.github.dlm.cluster;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.github.dlm.cluster.node.HealthNode;
import io.github.dlm.cluster.node.HoldNode;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A node dies while holding a lock: the survivors recover it; then the last node loses
 * quorum and its health turns DOWN. Runs last (it kills nodes, so a later class would need
 * a fresh cluster).
 */
@ExtendWith(ClusterExtension.class)
@Order(Integer.MAX_VALUE)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class NodeFailureClusterIT {

	/** How long a node program may run at most. */
	private static final Duration TIMEOUT = Duration.ofMinutes(20);

	/**
	 * How long the cluster may take to notice a dead node and recover its locks (22 s with
	 * corosync's token of 10 s on a quiet host): nothing in the waiting node moves meanwhile.
	 */
	private static final Duration RECOVERY = Duration.ofMinutes(5);

	@Test
	@Order(1)
	void exclusiveLockOfAKilledNodeIsGrantedToTheNodeWaitingForIt(VmCluster cluster) throws Exception {
		Path run = cluster.newRunDirectory("failure");
		String resource = "failover-" + run.getFileName().toString().hashCode();
		NodeProcess victim = cluster.start(1, hold(cluster, run, "victim", resource), TIMEOUT);
		VmCluster.awaitFile(run.resolve("granted-victim"), victim);
		NodeProcess survivor = cluster.start(2, hold(cluster, run, "survivor", resource), TIMEOUT);
		VmCluster.awaitFile(run.resolve("requesting-survivor"), survivor);
		// The survivor's request reached the DLM and must wait behind the victim's EX.
		Thread.sleep(5000);
		assertThat(run.resolve("granted-survivor")).doesNotExist();

		long killed = System.nanoTime();
		cluster.kill(1);
		VmCluster.awaitFile(run.resolve("granted-survivor"), survivor, RECOVERY);
		System.out.printf("node 2 granted %d ms after node 1 was killed%n",
				TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed));
		Files.writeString(run.resolve("release-survivor"), "");
		CommandResult survived = survivor.await();
		assertThat(survived.exitCode()).as(survived.describe()).isZero();
		assertThat(survived.stdout()).as(survived.describe()).contains("RELEASED UNLOCKED");
		assertThat(victim.await().exitCode()).as("the victim's command died with its node")
			.isEqualTo(125);

		CommandResult members = cluster.run(2, "corosync-quorumtool -s | sed -n 's/^Nodes: *//p'", RECOVERY);
		assertThat(members.stdout().trim()).as(members.describe()).isEqualTo(String.valueOf(cluster.nodes() - 1));
	}

	@Test
	@Order(2)
	void healthIsDownOnANodeThatLostQuorum(VmCluster cluster) throws Exception {
		int last = cluster.nodes();
		List<Integer> others = new ArrayList<>();
		for (int node = 1; node < last; node++) {
			if (cluster.isAlive(node)) {
				others.add(node);
			}
		}
		assertThat(others).as("another live node to kill").isNotEmpty();
		Path run = cluster.newRunDirectory("quorum");
		// The other nodes join the lockspace, so that their death changes its membership and
		// dlm_controld must recover it, which it does only with quorum.
		for (int node : others) {
			NodeProcess peer = cluster.start(node, hold(cluster, run, "peer" + node, "health-peer-" + node, "NL"),
					TIMEOUT);
			VmCluster.awaitFile(run.resolve("granted-peer" + node), peer);
		}
		NodeProcess health = cluster.start(last,
				cluster.javaCommand(HealthNode.class, "health", cluster.guestPath(run), "clusterit", 3000), TIMEOUT);
		VmCluster.awaitFile(run.resolve("first"), health);
		assertThat(Files.readString(run.resolve("first"))).startsWith("UP ").contains("backend=native")
			.contains("clusterit={status=UP");

		for (int node : others) {
			cluster.kill(node);
		}
		// Losing quorum is a cluster event with nothing to watch meanwhile: a plain deadline.
		ProgressDeadline.of("node " + last + " alone not quorate", RECOVERY, RECOVERY)
			.polling(Duration.ofSeconds(1))
			.await(ProgressSignal.NONE, () -> cluster
				.run(last, "corosync-quorumtool -s | sed -n 's/^Quorate: *//p'", RECOVERY)
				.stdout()
				.trim()
				.equals("No"));
		Files.writeString(run.resolve("go"), "");
		// The probe times out after 3 s, but the JVM that runs it may be slow to say so.
		VmCluster.awaitFile(run.resolve("down"), health);
		assertThat(Files.readString(run.resolve("down"))).startsWith("DOWN ")
			.contains("clusterit={status=DOWN")
			.contains("has not answered a probe");
	}

	private static String hold(VmCluster cluster, Path run, String name, String resource) {
		return hold(cluster, run, name, resource, "EX");
	}

	private static String hold(VmCluster cluster, Path run, String name, String resource, String mode) {
		return cluster.javaCommand(HoldNode.class, "hold", cluster.guestPath(run), name, "clusterit", resource, mode);
	}

}
