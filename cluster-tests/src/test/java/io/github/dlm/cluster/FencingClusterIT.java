package io.github.dlm.cluster;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import io.github.dlm.cluster.node.HoldNode;
import io.github.dlm.cluster.node.ValueBlockNode;
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
 * block only another node's anchor retains: what a reader gets after the recovery is
 * reported. Fences a node, so a later class gets a fresh cluster.
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
		assertThat(cluster.fenceEvents()).as("fencing while only a JVM was paused").isEmpty();

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
		NodeProcess publisher = publishValueMasteredOn(cluster, run, cutOff, valueKey);
		NodeProcess holder = cluster.start(cutOff, hold(cluster, run, "holder", resource), TIMEOUT);
		VmCluster.awaitFile(run.resolve("granted-holder"), holder);
		NodeProcess survivor = cluster.start(1, hold(cluster, run, "survivor", resource), TIMEOUT);
		VmCluster.awaitFile(run.resolve("requesting-survivor"), survivor);
		// The survivor's request reaches the DLM and waits behind the holder's EX.
		Thread.sleep(3000);
		assertThat(run.resolve("granted-survivor")).doesNotExist();

		long partitioned = System.currentTimeMillis();
		cluster.partition(cutOff);
		VmCluster.awaitFile(run.resolve("granted-survivor"), survivor, RECOVERY);
		long granted = Files.getLastModifiedTime(run.resolve("granted-survivor")).toMillis();

		List<FenceEvent> events = cluster.fenceEvents();
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

		// Issue 11 item 5: the value's master was fenced; only node 1's NL anchor (requested
		// without VALBLK) remains, and the kernel's recovery rebuilds the value block only from
		// locks that carry one. What happens is reported and pinned (cluster/README.md, "Seen
		// on the real kernel"), so that a change (anchors with VALBLK) shows here.
		NodeProcess reader = cluster.start(2, value(cluster, run, "vread", valueKey, "read"), TIMEOUT);
		VmCluster.awaitFile(run.resolve("read-vread"), reader, RECOVERY);
		String read = Files.readString(run.resolve("read-vread")).trim();
		System.out.printf("value block published as v42 on node 1, mastered on node %d, read on node 2 after node %d "
				+ "was fenced: %s%n", cutOff, cutOff, read);
		Files.writeString(run.resolve("exit-vpub"), "");
		for (NodeProcess program : List.of(reader, publisher)) {
			CommandResult result = program.await();
			assertThat(result.exitCode()).as(result.describe()).isZero();
		}
		assertThat(read).as("as found: the value is lost, zeros read as valid, when the master node is fenced "
				+ "and only anchors without VALBLK retain it; update cluster/README.md if this changes")
			.isEqualTo("value= valid=true hex=" + "00".repeat(32));
	}

	/**
	 * Node {@code master} locks the key first, so that it masters the resource, and drops to
	 * NL; node 1 then publishes "v42" through the registry and keeps its lock object (and with
	 * it the NL anchor that retains the value).
	 */
	private static NodeProcess publishValueMasteredOn(VmCluster cluster, Path run, int master, String key)
			throws Exception {
		NodeProcess first = cluster.start(master, value(cluster, run, "vmaster", key, "master"), TIMEOUT);
		VmCluster.awaitFile(run.resolve("granted-vmaster"), first);
		Files.writeString(run.resolve("release-vmaster"), "");
		VmCluster.awaitFile(run.resolve("released-vmaster"), first);
		NodeProcess publisher = cluster.start(1, value(cluster, run, "vpub", key, "publish v42"), TIMEOUT);
		VmCluster.awaitFile(run.resolve("published-vpub"), publisher);
		assertThat(Files.readString(run.resolve("published-vpub"))).contains("retaining=true");
		CommandResult where = cluster.run(1, "dlm_tool lockdebug -v " + LOCKSPACE + " | grep -A3 '" + key + "'",
				Duration.ofMinutes(1));
		System.out.printf("resource %s as node 1 sees it before the fence:%n%s%n", key, where.stdout());
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
