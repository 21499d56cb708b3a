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

	/**
	 * How long an application may show no start-up progress (its log does not grow and its
	 * JVM uses no CPU) before its start counts as hung. Under software emulation Spring Boot
	 * needs 1-2 minutes to start alone and several times that with two starting at once on a
	 * loaded host, so its start has no fixed deadline, only this and {@link #STARTUP_CAP}.
	 */
	private static final Duration STARTUP_STALL = Duration.ofMinutes(4);

	/** How long one application's start may take at most, progress or not. */
	private static final Duration STARTUP_CAP = Duration.ofMinutes(15);

	/** How long the survivors may take to elect a new leader after the leader's node died. */
	private static final Duration FAILOVER = Duration.ofMinutes(5);

	private static final Duration REQUEST = Duration.ofMinutes(2);

	/** HTTP/1.1 to the node's own application over bash's /dev/tcp: the image has no curl. */
	private static final String HTTP = "http() { exec 3<>/dev/tcp/127.0.0.1/8080 || return 7; "
			+ "printf '%s %s HTTP/1.1\\r\\nHost: localhost\\r\\nConnection: close\\r\\nContent-Length: 0\\r\\n\\r\\n' "
			+ "\"$1\" \"$2\" >&3; cat <&3; exec 3<&-; }; ";

	private static Path run;

	private static final List<NodeProcess> apps = new ArrayList<>();

	private static VmCluster cluster;

	@BeforeAll
	static void startTheFirstNodeAlone(VmCluster vmCluster) throws Exception {
		cluster = vmCluster;
		assertThat(cluster.nodes()).as("this class needs three nodes").isGreaterThanOrEqualTo(3);
		run = cluster.newRunDirectory("sample");
		Files.createDirectories(run.resolve("store"));
		// Node 1 first, so that it is the leader whose node the last test kills. Then the
		// others one at a time: two JVMs starting at once on one emulated host starve each
		// other (two starts took 487 and 501 s where one alone takes about 100 s).
		start(1);
		awaitUp(1);
		assertThat(leader(1)).as("the only node leads").isTrue();
		for (int node = 2; node <= cluster.nodes(); node++) {
			start(node);
			awaitUp(node);
		}
	}

	@AfterAll
	static void stopApplications() throws Exception {
		for (int node = 1; node <= cluster.nodes(); node++) {
			Path pid = run.resolve("app-" + node + ".pid");
			if (Files.exists(pid) && apps.size() >= node && !apps.get(node - 1).isDone()) {
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
		List<Integer> leaders = new ArrayList<>();
		// A cluster event (corosync notices the death, the DLM recovers): a plain deadline.
		ProgressDeadline.of("a surviving node to lead", FAILOVER, FAILOVER)
			.await(ProgressSignal.NONE, () -> {
				for (int node = 2; node <= cluster.nodes(); node++) {
					if (leader(node)) {
						leaders.add(node);
					}
				}
				return !leaders.isEmpty();
			});
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
		apps.add(cluster.start(node, command, Duration.ofMinutes(60)));
	}

	private static void awaitUp(int node) throws Exception {
		NodeProcess app = apps.get(node - 1);
		Path log = run.resolve("app-" + node + ".log");
		long[] lastProbe = { 0 };
		ProgressDeadline.of("the application on node " + node + " up", STARTUP_STALL, STARTUP_CAP)
			.polling(Duration.ofSeconds(1))
			.await(ProgressSignal.anyOf(ProgressSignal.sizeOf(log), app.cpu()), () -> {
				if (app.isDone()) {
					throw new AssertionError("The application on node " + node + " ended: " + app.await().describe()
							+ "\n" + Files.readString(log));
				}
				// A probe is a round trip to the node: only once the log says the application
				// started, or now and then in case it says so differently.
				boolean started = Files.exists(log) && Files.readString(log).contains("Started SampleApplication");
				if (!started && System.nanoTime() - lastProbe[0] < TimeUnit.SECONDS.toNanos(20)) {
					return false;
				}
				lastProbe[0] = System.nanoTime();
				CommandResult probe = cluster.run(node, HTTP + "http GET /leader", REQUEST);
				return probe.exitCode() == 0 && probe.stdout().contains("\"leader\"");
			});
		Files.readAllLines(log)
			.stream()
			.filter((line) -> line.contains("Started SampleApplication"))
			.findFirst()
			.ifPresent((line) -> System.out.println("node " + node + ": " + line.substring(line.indexOf("Started"))));
	}

	private static boolean leader(int node) {
		CommandResult status = cluster.run(node, HTTP + "http GET /leader", REQUEST);
		assertThat(status.exitCode()).as(status.describe()).isZero();
		assertThat(status.stdout()).as(status.describe()).contains("\"leader\"");
		return status.stdout().contains("\"leader\":true");
	}

}
