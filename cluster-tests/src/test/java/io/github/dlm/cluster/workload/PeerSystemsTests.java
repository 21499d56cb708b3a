package io.github.dlm.cluster.workload;

import java.time.Duration;
import java.util.ConcurrentModificationException;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The peer systems against real Redis and PostgreSQL servers started on the host's loopback
 * (skipped, saying what is missing, where they are not installed). Two systems of one name
 * are two clients with their own connections, as two nodes' JVMs would be. Runs with the
 * cluster-tests profile only: {@code ./mvnw -P cluster-tests -pl cluster-tests -am test
 * -Dtest=PeerSystemsTests -Dsurefire.failIfNoSpecifiedTests=false}.
 */
class PeerSystemsTests {

	private static PeerServersProcess servers;

	private ExecutorService executor;

	@BeforeAll
	static void startServers() throws Exception {
		String missing = PeerServersProcess.missing();
		assumeTrue(missing == null, () -> "PeerSystemsTests skipped: " + missing);
		servers = PeerServersProcess.start();
	}

	@AfterAll
	static void stopServers() throws Exception {
		if (servers != null) {
			servers.close();
		}
	}

	@BeforeEach
	void startExecutor() {
		this.executor = Executors.newSingleThreadExecutor();
	}

	@AfterEach
	void stopExecutor() {
		this.executor.shutdownNow();
	}

	@Test
	void otherNamesAreNoPeerSystem() {
		assertThat(PeerSystems.create("dlm-registry", servers.servers())).isNull();
	}

	@ParameterizedTest
	@ValueSource(strings = { "redis-default", "redis-short", "jdbc-default", "jdbc-short" })
	void clientsExcludeEachOtherWithinTheLease(String name) throws Exception {
		String key = "exclusion-" + UUID.randomUUID();
		try (WorkloadSystem holder = open(name); WorkloadSystem other = open(name)) {
			CountDownLatch inside = new CountDownLatch(1);
			CountDownLatch leave = new CountDownLatch(1);
			Future<Boolean> held = this.executor.submit(() -> holder.runLocked(key, Duration.ofSeconds(30), () -> {
				inside.countDown();
				leave.await();
			}));
			assertThat(inside.await(30, TimeUnit.SECONDS)).isTrue();
			assertThat(other.runLocked(key, Duration.ofMillis(200), () -> fail("granted while another client holds it")))
				.isFalse();
			leave.countDown();
			assertThat(held.get(30, TimeUnit.SECONDS)).isTrue();
			CountDownLatch ran = new CountDownLatch(1);
			assertThat(other.runLocked(key, Duration.ofSeconds(30), ran::countDown)).isTrue();
			assertThat(ran.getCount()).isZero();
		}
	}

	@ParameterizedTest
	@ValueSource(strings = { "redis-short", "jdbc-short" })
	void holderStalledPastTheLeaseLosesTheLockBehindItsBack(String name) throws Exception {
		String key = "stall-" + UUID.randomUUID();
		try (WorkloadSystem holder = open(name); WorkloadSystem other = open(name)) {
			CountDownLatch inside = new CountDownLatch(1);
			CountDownLatch leave = new CountDownLatch(1);
			Future<Boolean> held = this.executor.submit(() -> holder.runLocked(key, Duration.ofSeconds(30), () -> {
				inside.countDown();
				leave.await();
			}));
			assertThat(inside.await(30, TimeUnit.SECONDS)).isTrue();
			// The holder is still inside its section: only the lease's end lets the other in.
			CountDownLatch ran = new CountDownLatch(1);
			assertThat(other.runLocked(key, Duration.ofSeconds(120), ran::countDown)).isTrue();
			assertThat(ran.getCount()).isZero();
			assertThat(held).isNotDone();
			leave.countDown();
			assertThatExceptionOfType(ExecutionException.class).isThrownBy(() -> held.get(30, TimeUnit.SECONDS))
				.withCauseInstanceOf(ConcurrentModificationException.class);
		}
	}

	private static WorkloadSystem open(String name) {
		WorkloadSystem system = PeerSystems.create(name, servers.servers());
		assertThat(system).isNotNull();
		assertThat(system.name()).isEqualTo(name);
		return system;
	}

}
