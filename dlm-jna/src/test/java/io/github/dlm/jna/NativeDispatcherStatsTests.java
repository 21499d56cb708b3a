package io.github.dlm.jna;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import io.github.dlm.core.DlmDispatcherStats;
import io.github.dlm.core.DlmLockHandle;
import io.github.dlm.core.DlmMode;
import io.github.dlm.core.DlmResourceName;
import io.github.dlm.core.DlmStatus;
import io.github.dlm.core.LockspaceOptions;

import static io.github.dlm.contract.Completions.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link NativeDlmClient#dispatchers()} over the stand-in library: one entry per open
 * lockspace with what its dispatcher delivered.
 */
@Tag(NativeTestSupport.FAKE_LIBDLM)
class NativeDispatcherStatsTests {

	private static final long TIMEOUT = 60;

	private static LibDlm libDlm;

	private static NativeFakeKernelTests.FakeControl fake;

	private NativeDlmClient client;

	@BeforeAll
	static void buildStandIn() throws Exception {
		NativeTestSupport.FakeLibDlm standIn = NativeTestSupport.fakeLibDlm();
		libDlm = standIn.libDlm();
		fake = standIn.control();
	}

	@BeforeEach
	void open() {
		this.client = new NativeDlmClient(libDlm, new NativeDlmSettings(null, "dlm-dispatch-", Duration.ofMillis(50),
				Duration.ofSeconds(20)));
	}

	@AfterEach
	void close() {
		this.client.close();
		assertThat(fake.fake_live_locks()).as("locks left in the lock manager").isZero();
	}

	@Test
	void countsCompletionsBlockingCallbacksAndTimeInCallbacks() throws Exception {
		NativeLockspace lockspace = (NativeLockspace) this.client.openLockspace("stats1",
				new LockspaceOptions(true, 0600, false));
		AtomicInteger blocked = new AtomicInteger();
		DlmLockHandle holder = lockspace.newLock(DlmResourceName.of("a"), (mode) -> blocked.incrementAndGet());
		assertThat(await(holder.request(DlmMode.EX, Set.of(), null)).status()).isEqualTo(DlmStatus.GRANTED);
		DlmLockHandle waiter = lockspace.newLock(DlmResourceName.of("a"), null);
		var waiting = waiter.request(DlmMode.PR, Set.of(), null);
		Awaitility.await().atMost(Duration.ofSeconds(TIMEOUT)).until(() -> blocked.get() == 1);
		await(holder.unlock(null));
		assertThat(waiting.get(TIMEOUT, TimeUnit.SECONDS).status()).isEqualTo(DlmStatus.GRANTED);
		await(waiter.unlock(null));
		DlmDispatcher dispatcher = lockspace.dispatcher();
		Awaitility.await().atMost(Duration.ofSeconds(TIMEOUT)).until(dispatcher::isIdle);
		assertThat(this.client.dispatchers()).singleElement().satisfies((stats) -> {
			assertThat(stats.lockspace()).isEqualTo("stats1");
			assertThat(stats.threadName()).isEqualTo("dlm-dispatch-stats1");
			assertThat(stats.alive()).isTrue();
			assertThat(stats.idle()).isTrue();
			assertThat(stats.completions()).isEqualTo(4).isEqualTo(dispatcher.completions());
			assertThat(stats.blockingCallbacks()).isEqualTo(1);
			assertThat(stats.callerCompletions()).isEqualTo(dispatcher.completionsByCallers())
				.isLessThanOrEqualTo(stats.completions());
			// the blocking callback ran on the dispatcher thread
			assertThat(stats.callbackNanos()).isPositive();
		});
	}

	@Test
	void listsOneDispatcherPerOpenLockspace() {
		this.client.openLockspace("stats2", new LockspaceOptions(true, 0600, false));
		NativeLockspace other = (NativeLockspace) this.client.openLockspace("stats3",
				new LockspaceOptions(true, 0600, false));
		assertThat(this.client.dispatchers()).extracting(DlmDispatcherStats::lockspace)
			.containsExactlyInAnyOrder("stats2", "stats3");
		other.close();
		assertThat(this.client.dispatchers()).extracting(DlmDispatcherStats::lockspace).containsExactly("stats2");
	}

}
