package io.github.dlm.cluster;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.github.dlm.sample.SampleApplication;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample application (one JVM per node, {@code dlm.backend=native}) on three nodes: its
 * {@code @DlmLocked} reservations are serialized across nodes, and its
 * {@code LockRegistryLeaderInitiator} elects exactly one leader, and a new one when the
 * leader's node dies. The nodes share their events through a directory on the host share
 * ({@code sample.store-directory}), so only the DLM lock keeps two nodes from booking one
 * seat twice. Kills a node, so it runs after the classes that need a whole cluster.
 */
@ExtendWith(ClusterExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Order(Integer.MAX_VALUE - 1)
class SampleAppClusterIT {

	private static final Duration STARTUP = Duration.ofMinutes(6);

	private static final Duration REQUEST = Duration.ofMinutes(2);

	/** HTTP/1.1 to the node's own application over bash's /dev/tcp: the image has no curl. */
	private static final String HTTP = "http() { exec 3<>/dev/tcp/127.0.0.1/8080 || return 7; "
			+ "printf '%s %s HTTP/1.1\\r\\nHost: localhost\\r\\nConnection: close\\r\\nContent-Length: 0\\r\\n\\r\\n' "
			+ "\"$1\" \"$2\" >&3; cat <&3; exec 3<&-; }; ";

	private static Path run;

	private static final List<CompletableFuture<CommandResult>> apps = new ArrayList<>();

	private static VmCluster cluster;

	@BeforeAll
	static void startTheFirstNodeAlone(VmCluster vmCluster) throws Exception {
		cluster = vmCluster;
		assertThat(cluster.nodes()).as("this class needs three nodes").isGreaterThanOrEqualTo(3);
		run = cluster.newRunDirectory("sample");
		Files.createDirectories(run.resolve("store"));
		// Node 1 first, so that it is the leader whose node the last test kills.
		start(1);
		awaitUp(1);
		assertThat(leader(1)).as("the only node leads").isTrue();
		for (int node = 2; node <= cluster.nodes(); node++) {
			start(node);
		}
		for (int node = 2; node <= cluster.nodes(); node++) {
			awaitUp(node);
		}
	}

	@AfterAll
	static void stopApplications() throws Exception {
		for (int node = 1; node <= cluster.nodes(); node++) {
			Path pid = run.resolve("app-" + node + ".pid");
			if (Files.exists(pid) && !apps.get(node - 1).isDone()) {
				cluster.run(node, "kill " + Files.readString(pid).trim(), Duration.ofMinutes(1));
			}
		}
	}

	@Test
	@Order(1)
	void exactlyOneNodeLeads() throws Exception {
		List<Integer> leaders = new ArrayList<>();
		for (int node = 1; node <= cluster.nodes(); node++) {
			if (leader(node)) {
				leaders.add(node);
			}
		}
		assertThat(leaders).containsExactly(1);
	}

	@Test
	@Order(2)
	void concurrentReservationsOfOneSeatFromEveryNodeBookItExactlyOnce() throws Exception {
		List<CompletableFuture<CommandResult>> reservations = new ArrayList<>();
		for (int node = 1; node <= cluster.nodes(); node++) {
			reservations.add(cluster.runAsync(node, HTTP + "http POST '/events/concert/seats/A1/reserve?customer=node"
					+ node + "' | head -1", REQUEST));
		}
		int reserved = 0;
		int conflicts = 0;
		for (CompletableFuture<CommandResult> reservation : reservations) {
			CommandResult result = reservation.get(REQUEST.toSeconds() + 60, TimeUnit.SECONDS);
			assertThat(result.exitCode()).as(result.describe()).isZero();
			if (result.stdout().contains(" 200")) {
				reserved++;
			}
			else if (result.stdout().contains(" 409")) {
				conflicts++;
			}
		}
		assertThat(reserved).as("successful reservations of seat A1").isEqualTo(1);
		assertThat(conflicts).as("reservations refused because A1 was taken").isEqualTo(cluster.nodes() - 1);
		List<String> journal = Files.readAllLines(run.resolve("store").resolve("concert.journal"),
				StandardCharsets.UTF_8);
		assertThat(journal).as("bookings of event concert").hasSize(1).allMatch((line) -> line.startsWith("A1=node"));
	}

	@Test
	@Order(3)
	void aNewLeaderIsElectedWhenTheLeadersNodeIsKilled() throws Exception {
		assertThat(leader(1)).isTrue();
		long killed = System.nanoTime();
		cluster.kill(1);
		long deadline = killed + STARTUP.toNanos();
		List<Integer> leaders = new ArrayList<>();
		while (leaders.isEmpty()) {
			assertThat(System.nanoTime()).as("a surviving node leads").isLessThan(deadline);
			for (int node = 2; node <= cluster.nodes(); node++) {
				if (leader(node)) {
					leaders.add(node);
				}
			}
		}
		System.out.printf("node %s leads %d ms after the leader's node was killed%n", leaders,
				TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed));
		assertThat(leaders).hasSize(1);
		// And it stays the only one.
		Thread.sleep(3000);
		for (int node = 2; node <= cluster.nodes(); node++) {
			assertThat(leader(node)).as("node %d leads", node).isEqualTo(leaders.contains(node));
		}
	}

	private static void start(int node) {
		String dir = cluster.guestPath(run);
		String command = "echo $$ > " + dir + "/app-" + node + ".pid; exec " + cluster.javaCommand(
				SampleApplication.class, "--dlm.backend=native", "--server.port=8080", "--sample.work-delay=2s",
				"--sample.store-directory=" + dir + "/store", "--spring.main.banner-mode=off",
				"--logging.level.io.github.dlm=debug")
				+ " > " + dir + "/app-" + node + ".log 2>&1";
		apps.add(cluster.runAsync(node, command, Duration.ofMinutes(60)));
	}

	private static void awaitUp(int node) throws Exception {
		long deadline = System.nanoTime() + STARTUP.toNanos();
		while (true) {
			CompletableFuture<CommandResult> app = apps.get(node - 1);
			if (app.isDone()) {
				throw new AssertionError("The application on node " + node + " ended: " + app.get().describe() + "\n"
						+ Files.readString(run.resolve("app-" + node + ".log")));
			}
			CommandResult probe = cluster.run(node, HTTP + "http GET /leader", REQUEST);
			if (probe.exitCode() == 0 && probe.stdout().contains("\"leader\"")) {
				return;
			}
			assertThat(System.nanoTime()).as("application on node %d up", node).isLessThan(deadline);
			Thread.sleep(2000);
		}
	}

	private static boolean leader(int node) {
		CommandResult status = cluster.run(node, HTTP + "http GET /leader", REQUEST);
		assertThat(status.exitCode()).as(status.describe()).isZero();
		assertThat(status.stdout()).as(status.describe()).contains("\"leader\"");
		return status.stdout().contains("\"leader\":true");
	}

}
