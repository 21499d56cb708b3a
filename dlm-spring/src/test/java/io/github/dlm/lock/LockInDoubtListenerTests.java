package io.github.dlm.lock;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.github.dlm.core.DlmLockspaceCondition;
import io.github.dlm.core.DlmLockspaceState;
import io.github.dlm.core.DlmMode;
import io.github.dlm.core.LockspaceOptions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.awaitility.Awaitility.await;

/**
 * The registry's lock-in-doubt listeners on the local engine, whose lockspace conditions
 * are {@linkplain io.github.dlm.local.LocalDlmClient#simulateCondition simulated}: what
 * the listeners are told, with which holds, and that the watch thread runs only while
 * someone listens.
 */
class LockInDoubtListenerTests {

	private static final Duration TIMEOUT = LocalLockspaceExtension.TIMEOUT;

	private static final DlmLockspaceCondition WAIT_FENCING = new DlmLockspaceCondition(DlmLockspaceState.RECOVERING,
			"simulated: wait fencing");

	private static final DlmLockspaceCondition WAIT_QUORUM = new DlmLockspaceCondition(DlmLockspaceState.NO_QUORUM,
			"simulated: wait quorum");

	@RegisterExtension
	final LocalLockspaceExtension fixture = new LocalLockspaceExtension("doubt");

	private final BlockingQueue<DlmLockspaceStateChange> changes = new LinkedBlockingQueue<>();

	@AfterEach
	void closeRegistry() {
		this.fixture.registry().close();
	}

	private DlmLockRegistry registry() {
		DlmLockRegistry registry = this.fixture.registry();
		registry.setLockspacePollInterval(Duration.ofMillis(10));
		return registry;
	}

	private DlmLockspaceStateChange nextChange() throws InterruptedException {
		DlmLockspaceStateChange change = this.changes.poll(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
		assertThat(change).as("a change within " + TIMEOUT).isNotNull();
		return change;
	}

	private void simulate(DlmLockspaceCondition condition) {
		this.fixture.client().simulateCondition("doubt", condition);
	}

	@Test
	void recoveryStartedAndEndedNameTheLocksHeldWithModeAndThread() throws Exception {
		DlmLockRegistry registry = registry();
		registry.addLockInDoubtListener(this.changes::add);
		DlmLock lock = registry.obtain("order:42");
		DlmLock shared = registry.obtain("catalog", DlmMode.PR);
		lock.lock();
		shared.lock();
		try {
			simulate(WAIT_FENCING);
			DlmLockspaceStateChange started = nextChange();
			assertThat(started.summary()).isEqualTo("recovery started");
			assertThat(started.isInDoubt()).isTrue();
			assertThat(started.lockspace()).isEqualTo("doubt");
			assertThat(started.previous().state()).isEqualTo(DlmLockspaceState.RUNNING);
			assertThat(started.current()).isEqualTo(WAIT_FENCING);
			assertThat(started.holds()).extracting(DlmHoldInfo::key, DlmHoldInfo::mode, DlmHoldInfo::thread)
				.containsExactly(org.assertj.core.groups.Tuple.tuple("order:42", DlmMode.EX,
						Thread.currentThread().getName()),
						org.assertj.core.groups.Tuple.tuple("catalog", DlmMode.PR, Thread.currentThread().getName()));
			simulate(null);
			DlmLockspaceStateChange ended = nextChange();
			assertThat(ended.summary()).isEqualTo("recovery ended");
			assertThat(ended.isInDoubt()).isFalse();
			assertThat(ended.holds()).hasSize(2);
		}
		finally {
			shared.unlock();
			lock.unlock();
		}
	}

	@Test
	void quorumLostAndRegainedThroughRecovery() throws Exception {
		DlmLockRegistry registry = registry();
		registry.addLockInDoubtListener(this.changes::add);
		simulate(WAIT_QUORUM);
		assertThat(nextChange().summary()).isEqualTo("quorum lost");
		assertThat(registry.getLockspaceCondition()).isEqualTo(WAIT_QUORUM);
		simulate(WAIT_FENCING);
		assertThat(nextChange().summary()).isEqualTo("quorum regained, recovery under way");
		simulate(WAIT_QUORUM);
		assertThat(nextChange().summary()).isEqualTo("quorum lost");
		simulate(null);
		DlmLockspaceStateChange ended = nextChange();
		assertThat(ended.summary()).isEqualTo("quorum regained, recovery ended");
		assertThat(ended.holds()).isEmpty();
	}

	@Test
	void leftIsToldAsLeft() throws Exception {
		registry().addLockInDoubtListener(this.changes::add);
		simulate(new DlmLockspaceCondition(DlmLockspaceState.LEFT, "simulated: gone"));
		DlmLockspaceStateChange left = nextChange();
		assertThat(left.summary()).isEqualTo("lockspace left");
		assertThat(left.isInDoubt()).isTrue();
	}

	@Test
	void aChangeOfCauseWithinAStateIsNotAChange() {
		DlmLockRegistry registry = registry();
		registry.addLockInDoubtListener(this.changes::add);
		simulate(WAIT_FENCING);
		await().atMost(TIMEOUT).until(() -> !this.changes.isEmpty());
		DlmLockspaceCondition messages = new DlmLockspaceCondition(DlmLockspaceState.RECOVERING,
				"simulated: wait messages");
		simulate(messages);
		await().atMost(TIMEOUT).until(() -> registry.getLockspaceCondition().equals(messages));
		assertThat(this.changes).hasSize(1);
	}

	@Test
	void aListenerAddedWhileInDoubtIsToldAtOnceWithoutAPreviousCondition() throws Exception {
		simulate(WAIT_QUORUM);
		registry().addLockInDoubtListener(this.changes::add);
		DlmLockspaceStateChange change = nextChange();
		assertThat(change.previous()).isNull();
		assertThat(change.summary()).isEqualTo("quorum lost");
	}

	@Test
	void noChangeWhileRunningTellsNothing() {
		DlmLockspaceStateChange change = registry().lockspaceWatch().poll();
		assertThat(change).isNull();
		assertThat(this.fixture.registry().getLockspaceCondition().state()).isEqualTo(DlmLockspaceState.RUNNING);
	}

	@Test
	void theWatchThreadRunsOnlyWhileSomeoneListens() {
		DlmLockRegistry registry = registry();
		DlmLockInDoubtListener listener = this.changes::add;
		assertThat(registry.lockspaceWatch().isWatching()).isFalse();
		registry.addLockInDoubtListener(listener);
		assertThat(registry.lockspaceWatch().isWatching()).isTrue();
		assertThat(watchThreads()).isNotEmpty();
		registry.removeLockInDoubtListener(listener);
		assertThat(registry.lockspaceWatch().isWatching()).isFalse();
		await().atMost(TIMEOUT).until(() -> watchThreads().isEmpty());
		registry.addLockInDoubtListener(listener);
		registry.close();
		assertThat(registry.lockspaceWatch().isWatching()).isFalse();
		assertThatIllegalStateException().isThrownBy(() -> registry.addLockInDoubtListener(listener));
	}

	@Test
	void aListenerThatThrowsDoesNotStopTheOthers() throws Exception {
		DlmLockRegistry registry = registry();
		registry.addLockInDoubtListener((change) -> {
			throw new IllegalStateException("listener failure");
		});
		registry.addLockInDoubtListener(this.changes::add);
		simulate(WAIT_FENCING);
		assertThat(nextChange().summary()).isEqualTo("recovery started");
		simulate(null);
		assertThat(nextChange().summary()).isEqualTo("recovery ended");
	}

	@Test
	void pollIntervalMustBePositive() {
		assertThatIllegalArgumentException().isThrownBy(() -> registry().setLockspacePollInterval(Duration.ZERO));
	}

	@Test
	void registriesAddTheirListenersToRegistriesOpenedLater() throws Exception {
		DlmLockRegistries registries = new DlmLockRegistries(this.fixture.client(), "first", LockspaceOptions.DEFAULTS,
				DlmMode.EX);
		try {
			registries.setLockspacePollInterval(Duration.ofMillis(10));
			registries.addLockInDoubtListener(this.changes::add);
			DlmLockRegistry later = registries.registry("later");
			assertThat(later.getLockspacePollInterval()).isEqualTo(Duration.ofMillis(10));
			this.fixture.client().simulateCondition("later", WAIT_QUORUM);
			DlmLockspaceStateChange change = nextChange();
			assertThat(change.lockspace()).isEqualTo("later");
			assertThat(change.summary()).isEqualTo("quorum lost");
			registries.removeLockInDoubtListener(this.changes::add);
		}
		finally {
			registries.close();
		}
	}

	private static List<Thread> watchThreads() {
		return Thread.getAllStackTraces()
			.keySet()
			.stream()
			.filter((thread) -> thread.getName().equals("dlm-lockspace-watch-doubt"))
			.toList();
	}

}
