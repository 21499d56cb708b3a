package io.github.dlm.cluster;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.github.dlm.cluster.node.HoldNode;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A node dies while holding a lock: the survivors recover it. Runs last (it kills a node,
 * so a later class would need a fresh cluster).
 */
@ExtendWith(ClusterExtension.class)
@Order(Integer.MAX_VALUE)
class NodeFailureClusterIT {

	private static final Duration TIMEOUT = Duration.ofMinutes(5);

	@Test
	void exclusiveLockOfAKilledNodeIsGrantedToTheNodeWaitingForIt(VmCluster cluster) throws Exception {
		Path run = cluster.newRunDirectory("failure");
		String resource = "failover-" + run.getFileName().toString().hashCode();
		CompletableFuture<CommandResult> victim = cluster.runAsync(1, hold(cluster, run, "victim", resource), TIMEOUT);
		VmCluster.awaitFile(run.resolve("granted-victim"), victim, TIMEOUT);
		CompletableFuture<CommandResult> survivor = cluster.runAsync(2, hold(cluster, run, "survivor", resource),
				TIMEOUT);
		VmCluster.awaitFile(run.resolve("requesting-survivor"), survivor, TIMEOUT);
		// The survivor's request reached the DLM and must wait behind the victim's EX.
		Thread.sleep(5000);
		assertThat(run.resolve("granted-survivor")).doesNotExist();

		long killed = System.nanoTime();
		cluster.kill(1);
		VmCluster.awaitFile(run.resolve("granted-survivor"), survivor, TIMEOUT);
		System.out.printf("node 2 granted %d ms after node 1 was killed%n",
				TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed));
		Files.writeString(run.resolve("release-survivor"), "");
		CommandResult survived = survivor.get(TIMEOUT.toMinutes(), TimeUnit.MINUTES);
		assertThat(survived.exitCode()).as(survived.describe()).isZero();
		assertThat(survived.stdout()).as(survived.describe()).contains("RELEASED UNLOCKED");
		assertThat(victim.get(TIMEOUT.toMinutes(), TimeUnit.MINUTES).exitCode()).as("the victim's command died with its node")
			.isEqualTo(125);

		CommandResult members = cluster.run(2, "corosync-quorumtool -s | sed -n 's/^Nodes: *//p'", TIMEOUT);
		assertThat(members.stdout().trim()).as(members.describe()).isEqualTo(String.valueOf(cluster.nodes() - 1));
	}

	private static String hold(VmCluster cluster, Path run, String name, String resource) {
		return cluster.javaCommand(HoldNode.class, "hold", cluster.guestPath(run), name, "clusterit", resource, "EX");
	}

}
