package io.github.dlm.lock;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.github.dlm.core.DlmCompletion;
import io.github.dlm.core.DlmLockHandle;
import io.github.dlm.core.DlmLockspace;
import io.github.dlm.core.DlmMode;
import io.github.dlm.core.DlmResourceName;
import io.github.dlm.core.LockspaceOptions;
import io.github.dlm.local.LocalDlmClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

/**
 * The lockspace probe on the local engine: a round trip when the lock manager answers, the
 * error when the lockspace is closed, and unanswered (one round trip, not one per call)
 * while the lockspace's callbacks are held up.
 */
class DlmLockspaceProbeTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	private static final DlmResourceName RESOURCE = DlmResourceName.of("r");

	private final LocalDlmClient client = new LocalDlmClient();

	private final DlmLockspace lockspace = this.client.openLockspace("orders", LockspaceOptions.DEFAULTS);

	/** Round trips started, each on a thread of its own. */
	private final AtomicInteger started = new AtomicInteger();

	private final Executor countingExecutor = (task) -> {
		this.started.incrementAndGet();
		Thread thread = new Thread(task, "probe-test");
		thread.setDaemon(true);
		thread.start();
	};

	@AfterEach
	void close() {
		this.client.close();
	}

	@Test
	void answeredWithTheRoundTripAndNoLockLeft() throws InterruptedException {
		DlmLockspaceProbe probe = new DlmLockspaceProbe(TIMEOUT);
		DlmLockspaceProbe.Result result = probe.probe(this.lockspace);
		assertThat(result.isAnswered()).isTrue();
		assertThat(result).isInstanceOfSatisfying(DlmLockspaceProbe.Answered.class,
				(answered) -> assertThat(answered.roundTrip()).isPositive());
		assertThat(this.client.dump("orders")).isEmpty();
	}

	@Test
	void eachCallAfterAnAnswerIsANewRoundTrip() throws InterruptedException {
		DlmLockspaceProbe probe = new DlmLockspaceProbe(TIMEOUT, this.countingExecutor);
		assertThat(probe.probe(this.lockspace).isAnswered()).isTrue();
		assertThat(probe.probe(this.lockspace).isAnswered()).isTrue();
		assertThat(this.started).hasValue(2);
	}

	@Test
	void failedOnAClosedLockspace() throws InterruptedException {
		this.lockspace.close();
		DlmLockspaceProbe.Result result = new DlmLockspaceProbe(TIMEOUT).probe(this.lockspace);
		assertThat(result.isAnswered()).isFalse();
		assertThat(result).isInstanceOfSatisfying(DlmLockspaceProbe.Failed.class,
				(failed) -> assertThat(failed.error()).isInstanceOf(IllegalStateException.class)
					.hasMessageContaining("orders"));
	}

	@Test
	void unansweredWhileTheLockspaceHoldsItsCallbacksThenAnsweredAgain() throws InterruptedException {
		// a blocking callback that does not return holds up every later callback of the
		// lockspace, the probe's completions included, as recovery holds up the kernel's
		CountDownLatch blocking = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		DlmLockHandle holder = this.lockspace.newLock(RESOURCE, (lock) -> {
			blocking.countDown();
			try {
				release.await();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		});
		assertThat(holder.request(DlmMode.EX, Set.of(), null).join().isGranted()).isTrue();
		CompletableFuture<DlmCompletion> waiter = this.lockspace.newLock(RESOURCE, null)
			.request(DlmMode.EX, Set.of(), null);
		assertThat(blocking.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();
		try {
			DlmLockspaceProbe probe = new DlmLockspaceProbe(Duration.ofMillis(50), this.countingExecutor);
			DlmLockspaceProbe.Result first = probe.probe(this.lockspace);
			assertThat(first).isInstanceOfSatisfying(DlmLockspaceProbe.Unanswered.class, (unanswered) -> {
				assertThat(unanswered.timeout()).isEqualTo(Duration.ofMillis(50));
				assertThat(unanswered.message()).contains("has not answered a probe").contains("(timeout 50 ms)");
			});
			DlmLockspaceProbe.Result second = probe.probe(this.lockspace);
			assertThat(second).isInstanceOf(DlmLockspaceProbe.Unanswered.class);
			assertThat(this.started).as("round trips started").hasValue(1);
			release.countDown();
			await().atMost(TIMEOUT).until(() -> probe.probe(this.lockspace).isAnswered());
		}
		finally {
			release.countDown();
		}
		holder.unlock(null).join();
		assertThat(waiter.join().isGranted()).isTrue();
	}

	@Test
	void timeoutMustBePositive() {
		assertThatIllegalArgumentException().isThrownBy(() -> new DlmLockspaceProbe(Duration.ZERO));
		assertThatIllegalArgumentException().isThrownBy(() -> new DlmLockspaceProbe(Duration.ofMillis(-1)));
	}

}
