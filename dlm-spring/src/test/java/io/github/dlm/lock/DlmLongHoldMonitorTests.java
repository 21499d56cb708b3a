package io.github.dlm.lock;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.github.dlm.core.DlmMode;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

/**
 * Holds that last: the registry's list of current holds, and the monitor's one warning per
 * hold held longer than its threshold, on the local engine.
 */
@ExtendWith(OutputCaptureExtension.class)
class DlmLongHoldMonitorTests {

	private static final Duration TIMEOUT = LocalLockspaceExtension.TIMEOUT;

	private static final Duration THRESHOLD = Duration.ofMillis(50);

	@RegisterExtension
	final LocalLockspaceExtension fixture = new LocalLockspaceExtension("holds");

	@Test
	void aThreadsHoldIsListedWithItsModeOwnerStartAndTheBlockingCallbacksItReceived() throws Exception {
		DlmLockRegistry registry = this.fixture.registry();
		DlmLock lock = registry.obtain("order:42");
		Instant before = Instant.now();
		lock.lock();
		List<DlmHoldInfo> holds = registry.getHolds();
		assertThat(holds).singleElement().satisfies((hold) -> {
			assertThat(hold.key()).isEqualTo("order:42");
			assertThat(hold.resource()).isEqualTo("order:42");
			assertThat(hold.lockspace()).isEqualTo("holds");
			assertThat(hold.mode()).isEqualTo(DlmMode.EX);
			assertThat(hold.thread()).isEqualTo(Thread.currentThread().getName());
			assertThat(hold.isAsync()).isFalse();
			assertThat(hold.owner()).isEqualTo("thread '" + Thread.currentThread().getName() + "'");
			assertThat(hold.since()).isAfterOrEqualTo(before.minusMillis(1));
			assertThat(hold.blockingCallbacks()).isZero();
			assertThat(hold.isBlockingOthers()).isFalse();
		});
		Future<?> waiter = this.fixture.executor().submit(() -> {
			lock.lock();
			lock.unlock();
		});
		this.fixture.awaitWaiting("order:42", 1);
		await().atMost(TIMEOUT).until(() -> registry.getHolds().get(0).blockingCallbacks() >= 1);
		assertThat(registry.getHolds()).singleElement().satisfies((hold) -> {
			assertThat(hold.thread()).as("the waiter is no holder").isEqualTo(Thread.currentThread().getName());
			assertThat(hold.isBlockingOthers()).isTrue();
		});
		lock.unlock();
		waiter.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
		assertThat(registry.getHolds()).isEmpty();
	}

	@Test
	void aReentryIsOneHoldThatKeepsItsStartAndShowsTheModeItConvertedTo() {
		DlmLockRegistry registry = this.fixture.registry();
		registry.obtain("order:42", DlmMode.PR).lock();
		Instant since = registry.getHolds().get(0).since();
		registry.obtain("order:42", DlmMode.EX).lock();
		assertThat(registry.getHolds()).singleElement().satisfies((hold) -> {
			assertThat(hold.mode()).isEqualTo(DlmMode.EX);
			assertThat(hold.key()).as("the lock object the hold began through").isEqualTo("order:42");
			assertThat(hold.since()).isEqualTo(since);
		});
		registry.obtain("order:42", DlmMode.EX).unlock();
		assertThat(registry.getHolds()).singleElement().extracting(DlmHoldInfo::mode).isEqualTo(DlmMode.PR);
		registry.obtain("order:42", DlmMode.PR).unlock();
		assertThat(registry.getHolds()).isEmpty();
	}

	@Test
	void anAsynchronousHoldIsListedWithoutAThread() throws Exception {
		DlmLockRegistry registry = this.fixture.registry();
		DlmHold hold = registry.obtain("order:42").lockAsync().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
		assertThat(registry.getHolds()).singleElement().satisfies((info) -> {
			assertThat(info.thread()).isNull();
			assertThat(info.isAsync()).isTrue();
			assertThat(info.owner()).isEqualTo("async");
		});
		hold.close();
		assertThat(registry.getHolds()).isEmpty();
	}

	@Test
	void holdsOfOtherRegistriesAreNotListedAndThoseEndedByClosingTheLockspaceAreLeftOut() {
		DlmLockRegistry registry = this.fixture.registry();
		DlmLockRegistry other = new DlmLockRegistry(this.fixture.lockspace());
		DlmLock lock = other.obtain("order:42");
		lock.lock();
		assertThat(other.getHolds()).hasSize(1);
		assertThat(registry.getHolds()).isEmpty();
		this.fixture.lockspace().close();
		assertThat(other.getHolds()).isEmpty();
		lock.unlock();
	}

	@Test
	void aHoldLongerThanTheThresholdIsReportedOnceWithItsStackAndWaitersAndANewHoldOfTheKeyAgain(
			CapturedOutput output) throws Exception {
		DlmLockRegistry registry = this.fixture.registry();
		DlmLongHoldMonitor monitor = new DlmLongHoldMonitor(registry, THRESHOLD);
		DlmLock lock = registry.obtain("job:nightly");
		CountDownLatch held = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		Thread holder = new Thread(() -> holdUntilReleased(lock, held, release), "long-holder");
		holder.start();
		assertThat(held.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();
		Future<?> waiter = this.fixture.executor().submit(() -> {
			lock.lock();
			try {
				Thread.currentThread().setName("next-holder");
				await().atMost(TIMEOUT).until(() -> !monitor.check().isEmpty());
			}
			finally {
				lock.unlock();
			}
		});
		try {
			this.fixture.awaitWaiting("job:nightly", 1);
			await().atMost(TIMEOUT).until(() -> registry.getHolds().get(0).blockingCallbacks() >= 1);
			List<DlmHoldInfo> reported = await().atMost(TIMEOUT).until(monitor::check, (holds) -> !holds.isEmpty());
			assertThat(reported).singleElement().satisfies((hold) -> {
				assertThat(hold.thread()).isEqualTo("long-holder");
				assertThat(hold.heldFor()).isGreaterThanOrEqualTo(THRESHOLD);
			});
			assertThat(output).contains("DLM lock 'job:nightly' (resource 'job:nightly' in lockspace 'holds') has been "
					+ "held in EX for ")
				.contains("by thread 'long-holder' (since ")
				.contains("longer than 50ms, while others wait for it (1 blocking callback received during the hold)")
				.contains("DLM locks never expire")
				.contains("Stack of thread 'long-holder' (WAITING) now:")
				.contains(getClass().getName() + ".holdUntilReleased(");
			assertThat(monitor.check()).as("once per hold").isEmpty();
			assertThat(monitor.getLongHolds()).as("still long, though reported")
				.singleElement()
				.extracting(DlmHoldInfo::thread)
				.isEqualTo("long-holder");
			assertThat(occurrences(output.toString(), "by thread 'long-holder'")).isOne();
		}
		finally {
			release.countDown();
		}
		holder.join(TIMEOUT.toMillis());
		// the waiter's hold of the same key is a new hold: it holds until the monitor reported it
		waiter.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
		assertThat(output).contains("by thread 'next-holder' (since ")
			.contains("with no request known to wait for it (no blocking callback during the hold)");
		assertThat(occurrences(output.toString(), "by thread 'long-holder'")).isOne();
		assertThat(registry.getHolds()).isEmpty();
	}

	@Test
	void anAsynchronousHoldIsReportedWithoutAStack(CapturedOutput output) throws Exception {
		DlmLockRegistry registry = this.fixture.registry();
		DlmLongHoldMonitor monitor = new DlmLongHoldMonitor(registry, THRESHOLD);
		DlmHold hold = registry.obtain("job:async").lockAsync().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
		await().atMost(TIMEOUT).until(monitor::check, (holds) -> !holds.isEmpty());
		assertThat(output).contains("DLM lock 'job:async'")
			.contains(" by async (since ")
			.contains("It is an asynchronous hold (DlmHold), owned by no thread")
			.doesNotContain("Stack of thread");
		hold.close();
	}

	@Test
	void aThreadThatEndedWithoutUnlockingIsReportedAsTerminated(CapturedOutput output) throws Exception {
		DlmLockRegistry registry = this.fixture.registry();
		DlmLongHoldMonitor monitor = new DlmLongHoldMonitor(registry, THRESHOLD);
		Thread forgetful = new Thread(() -> registry.obtain("job:forgotten").lock(), "forgetful");
		forgetful.start();
		forgetful.join(TIMEOUT.toMillis());
		await().atMost(TIMEOUT).until(monitor::check, (holds) -> !holds.isEmpty());
		assertThat(output).contains("by thread 'forgetful'")
			.contains("Thread 'forgetful' has terminated without releasing it: it stays held until its lockspace is "
					+ "closed");
	}

	@Test
	void aHoldShorterThanTheThresholdIsNotReported(CapturedOutput output) {
		DlmLockRegistry registry = this.fixture.registry();
		DlmLongHoldMonitor monitor = new DlmLongHoldMonitor(registry, Duration.ofHours(1));
		DlmLock lock = registry.obtain("job:short");
		lock.lock();
		assertThat(monitor.check()).isEmpty();
		assertThat(monitor.getLongHolds()).isEmpty();
		lock.unlock();
		assertThat(output).doesNotContain("job:short");
	}

	@Test
	void whenRunningItChecksOnItsOwnDaemonThreadEveryHalfThreshold(CapturedOutput output) throws Exception {
		DlmLockRegistries registries = new DlmLockRegistries(this.fixture.client(), "holds-running",
				io.github.dlm.core.LockspaceOptions.DEFAULTS, DlmMode.EX);
		try (registries) {
			DlmLongHoldMonitor monitor = new DlmLongHoldMonitor(registries, THRESHOLD);
			assertThat(monitor.getCheckInterval()).isEqualTo(Duration.ofMillis(25));
			monitor.start();
			assertThat(monitor.isRunning()).isTrue();
			try {
				// a registry opened after the start is watched too
				DlmLock lock = registries.registry("later").obtain("job:watched");
				lock.lock();
				await().atMost(TIMEOUT).until(() -> output.toString().contains("DLM lock 'job:watched'"));
				assertThat(registries.getHolds()).singleElement().extracting(DlmHoldInfo::lockspace).isEqualTo("later");
				lock.unlock();
			}
			finally {
				monitor.stop();
			}
			assertThat(monitor.isRunning()).isFalse();
		}
	}

	@Test
	void theCheckIntervalIsHalfTheThresholdUpTo10s() {
		DlmLockRegistry registry = this.fixture.registry();
		assertThat(new DlmLongHoldMonitor(registry, Duration.ofSeconds(4)).getCheckInterval())
			.isEqualTo(Duration.ofSeconds(2));
		assertThat(new DlmLongHoldMonitor(registry, Duration.ofMinutes(5)).getCheckInterval())
			.isEqualTo(Duration.ofSeconds(10));
		assertThat(new DlmLongHoldMonitor(registry, Duration.ofNanos(1)).getCheckInterval())
			.isEqualTo(Duration.ofMillis(1));
	}

	@Test
	void theThresholdMustBePositive() {
		DlmLockRegistry registry = this.fixture.registry();
		assertThatIllegalArgumentException().isThrownBy(() -> new DlmLongHoldMonitor(registry, Duration.ZERO))
			.withMessageContaining("must be positive");
		assertThatIllegalArgumentException().isThrownBy(() -> new DlmLongHoldMonitor(registry, Duration.ofSeconds(-1)))
			.withMessageContaining("must be positive");
	}

	@Test
	void durationsAreShownTheWayPeopleReadThem() {
		assertThat(DlmLongHoldMonitor.format(Duration.ofMillis(250))).isEqualTo("250ms");
		assertThat(DlmLongHoldMonitor.format(Duration.ofMillis(3500))).isEqualTo("3.5s");
		assertThat(DlmLongHoldMonitor.format(Duration.ofSeconds(123))).isEqualTo("2m 3s");
		assertThat(DlmLongHoldMonitor.format(Duration.ofMinutes(5))).isEqualTo("5m 0s");
		assertThat(DlmLongHoldMonitor.format(Duration.ofSeconds(3723))).isEqualTo("1h 2m 3s");
	}

	private static void holdUntilReleased(DlmLock lock, CountDownLatch held, CountDownLatch release) {
		lock.lock();
		try {
			held.countDown();
			release.await();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		finally {
			lock.unlock();
		}
	}

	private static int occurrences(String text, String part) {
		int count = 0;
		for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + 1)) {
			count++;
		}
		return count;
	}

}
