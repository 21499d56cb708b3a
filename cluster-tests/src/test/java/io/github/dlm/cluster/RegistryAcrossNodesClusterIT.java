package io.github.dlm.cluster;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Spring lock registry ({@code DlmLockRegistry}/{@code DlmLock} over the native backend)
 * on three nodes of a real kernel DLM: shared and exclusive modes, NOQUEUE, conversions,
 * blocking callbacks, and a holder's JVM killed. One {@link LockAgent} per node serves
 * every test; each test uses keys of its own.
 */
@ExtendWith(ClusterExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RegistryAcrossNodesClusterIT {

	private static final String LOCKSPACE = "registryit";

	/** How long a request must stay pending to count as waiting (it needs ~5 ms to cross nodes). */
	private static final Duration WAITING = Duration.ofSeconds(3);

	private static Path run;

	private static LockAgent one;

	private static LockAgent two;

	private static LockAgent three;

	@BeforeAll
	static void startAgents(VmCluster cluster) throws Exception {
		assertThat(cluster.nodes()).as("this class needs three nodes").isGreaterThanOrEqualTo(3);
		run = cluster.newRunDirectory("registry");
		CompletableFuture<LockAgent> first = async(() -> LockAgent.start(cluster, 1, run, "one", LOCKSPACE));
		CompletableFuture<LockAgent> second = async(() -> LockAgent.start(cluster, 2, run, "two", LOCKSPACE));
		CompletableFuture<LockAgent> third = async(() -> LockAgent.start(cluster, 3, run, "three", LOCKSPACE));
		// Each start waits as long as its agent makes progress (LockAgent.start); this is a backstop.
		long backstop = VmCluster.PROGRAM_CAP.plusMinutes(1).toMinutes();
		one = first.get(backstop, TimeUnit.MINUTES);
		two = second.get(backstop, TimeUnit.MINUTES);
		three = third.get(backstop, TimeUnit.MINUTES);
	}

	@AfterAll
	static void stopAgents() throws Exception {
		for (LockAgent agent : new LockAgent[] { one, two, three }) {
			if (agent != null && !agent.process().isDone()) {
				agent.exit();
			}
		}
	}

	@Test
	@Order(1)
	void protectedReadIsHeldOnTwoNodesAtOnceWhileAnExclusiveRequestFromTheThirdWaitsForBoth() throws Exception {
		String key = "pr-shared";
		one.call("w1", "obtain", "r", key, "PR");
		two.call("w1", "obtain", "r", key, "PR");
		three.call("w1", "obtain", "w", key, "EX");
		assertThat(one.call("w1", "lock", "r")).isEqualTo("locked");
		assertThat(two.call("w1", "lock", "r")).isEqualTo("locked");
		assertThat(one.call("w1", "held", "r")).isEqualTo("PR");
		assertThat(two.call("w1", "held", "r")).isEqualTo("PR");

		CompletableFuture<String> exclusive = three.send("w1", "lock", "w");
		assertWaiting(exclusive);
		one.call("w1", "unlock", "r");
		assertWaiting(exclusive);
		two.call("w1", "unlock", "r");
		assertThat(three.ok(exclusive)).isEqualTo("locked");
		assertThat(three.call("w1", "held", "w")).isEqualTo("EX");
		three.call("w1", "unlock", "w");
	}

	@Test
	@Order(2)
	void tryLockIsRefusedAtOnceOnEveryOtherNodeWhileOneNodeHoldsExclusive() throws Exception {
		String key = "noqueue";
		for (LockAgent agent : new LockAgent[] { one, two, three }) {
			agent.call("w2", "obtain", "x", key, "EX");
		}
		assertThat(one.call("w2", "lock", "x")).isEqualTo("locked");
		assertThat(two.call("w2", "trylock", "x")).isEqualTo("false");
		assertThat(three.call("w2", "trylock", "x")).isEqualTo("false");
		assertThat(two.call("w2", "held", "x")).isEqualTo("null");
		one.call("w2", "unlock", "x");
		assertThat(three.call("w2", "trylock", "x")).isEqualTo("true");
		assertThat(two.call("w2", "trylock", "x")).isEqualTo("false");
		three.call("w2", "unlock", "x");
	}

	@Test
	@Order(3)
	void upConversionWaitsForTheOtherNodesProtectedReadAndDownConversionLetsItBackIn() throws Exception {
		String key = "convert";
		one.call("w3", "obtain", "c", key, "PR");
		two.call("w3", "obtain", "c", key, "PR");
		one.call("w3", "lock", "c");
		two.call("w3", "lock", "c");

		// PR -> EX on node 1 waits for node 2's PR; node 2 is asked to let go.
		CompletableFuture<String> up = one.send("w3", "convert", "c", "EX");
		two.awaitAskedToRelease(key);
		assertWaiting(up);
		two.call("w3", "unlock", "c");
		assertThat(one.ok(up)).isEqualTo("converted");
		assertThat(one.call("w3", "held", "c")).isEqualTo("EX");

		// Node 2 asks for PR again: it waits behind node 1's EX until node 1 converts down.
		CompletableFuture<String> read = two.send("w3", "lock", "c");
		assertWaiting(read);
		one.call("w3", "convert", "c", "PR");
		assertThat(two.ok(read)).isEqualTo("locked");
		assertThat(one.call("w3", "held", "c")).isEqualTo("PR");
		assertThat(two.call("w3", "held", "c")).isEqualTo("PR");
		one.call("w3", "unlock", "c");
		two.call("w3", "unlock", "c");
	}

	@Test
	@Order(4)
	void blockingCallbackReachesTheHolderOnAnotherNodeAndOnlyIt() throws Exception {
		String key = "bast";
		one.call("w5", "obtain", "b", key, "EX");
		two.call("w5", "obtain", "b", key, "EX");
		three.call("w5", "obtain", "b", key, "NL");
		assertThat(three.call("w5", "lock", "b")).as("NL is compatible with EX").isEqualTo("locked");
		one.call("w5", "lock", "b");
		assertThat(one.wasAskedToRelease(key)).isFalse();

		CompletableFuture<String> waiter = two.send("w5", "lock", "b");
		one.awaitAskedToRelease(key);
		assertWaiting(waiter);
		assertThat(three.wasAskedToRelease(key)).as("an NL holder blocks nobody").isFalse();
		assertThat(two.wasAskedToRelease(key)).isFalse();
		one.call("w5", "unlock", "b");
		assertThat(two.ok(waiter)).isEqualTo("locked");
		two.call("w5", "unlock", "b");
		three.call("w5", "unlock", "b");
	}

	@Test
	@Order(5)
	void killingTheHoldersJvmFreesItsLocksAndTheWaiterOnAnotherNodeProceeds(VmCluster cluster) throws Exception {
		String key = "killed-jvm";
		LockAgent victim = LockAgent.start(cluster, 1, run, "victim", LOCKSPACE);
		victim.call("w1", "obtain", "k", key, "EX");
		victim.call("w1", "lock", "k");
		two.call("w6", "obtain", "k", key, "EX");
		CompletableFuture<String> waiter = two.send("w6", "lock", "k");
		assertWaiting(waiter);

		long killed = System.nanoTime();
		CommandResult kill = cluster.run(1, "kill -9 " + victim.pid(), Duration.ofMinutes(1));
		assertThat(kill.exitCode()).as(kill.describe()).isZero();
		assertThat(two.ok(waiter)).isEqualTo("locked");
		System.out.printf("node 2 granted %d ms after the holder's JVM on node 1 was killed%n",
				TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed));
		CommandResult victimEnd = victim.process().get(1, TimeUnit.MINUTES);
		assertThat(victimEnd.exitCode()).as(victimEnd.describe()).isEqualTo(137);
		two.call("w6", "unlock", "k");
		assertThat(one.call("w6", "obtain", "k", key, "EX")).isEqualTo("obtained");
		assertThat(one.call("w6", "trylock", "k")).as("nothing of the killed JVM is left").isEqualTo("true");
		one.call("w6", "unlock", "k");
	}

	private static void assertWaiting(CompletableFuture<String> outcome) throws Exception {
		Thread.sleep(WAITING.toMillis());
		assertThat(outcome.isDone()).as("still waiting (outcome: %s)", outcome.getNow("none")).isFalse();
	}

	private static <T> CompletableFuture<T> async(java.util.concurrent.Callable<T> task) {
		CompletableFuture<T> result = new CompletableFuture<>();
		Thread thread = new Thread(() -> {
			try {
				result.complete(task.call());
			}
			catch (Throwable ex) {
				result.completeExceptionally(ex);
			}
		}, "agent-start");
		thread.setDaemon(true);
		thread.start();
		return result;
	}

}
