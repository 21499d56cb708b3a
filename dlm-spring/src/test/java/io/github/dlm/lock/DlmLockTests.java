package io.github.dlm.lock;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.integration.util.CheckedRunnable;

import io.github.dlm.core.DlmDeadlockException;
import io.github.dlm.core.DlmLockHandle;
import io.github.dlm.core.DlmLockspace;
import io.github.dlm.core.DlmMode;
import io.github.dlm.core.DlmResourceName;
import io.github.dlm.core.LockspaceOptions;
import io.github.dlm.local.LocalDlmClient;
import io.github.dlm.local.LocalLockInfo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * {@link DlmLock} and {@link DlmLockRegistry} against the local engine: the
 * {@link java.util.concurrent.locks.Lock} contract, DLM modes, conversion, value blocks,
 * blocking callbacks, expiry and keys.
 */
class DlmLockTests {

	private static final String LOCKSPACE = "locktests";

	private static final long TIMEOUT_SECONDS = 20;

	private LocalDlmClient client;

	private DlmLockspace lockspace;

	private DlmLockRegistry registry;

	private ExecutorService executor;

	@RegisterExtension
	final LocalLockspaceExtension local = new LocalLockspaceExtension(LOCKSPACE);

	@BeforeEach
	void setUp() {
		this.client = this.local.client();
		this.lockspace = this.local.lockspace();
		this.registry = this.local.registry();
		this.executor = this.local.executor();
	}

	@Test
	void obtainGivesTheSameObjectForTheSameKeyAndMode() {
		DlmLock lock = this.registry.obtain("orders");
		assertThat(lock.mode()).isEqualTo(DlmMode.EX);
		assertThat(this.registry.obtain("orders")).isSameAs(lock);
		assertThat(this.registry.obtain(new StringBuilder("orders"))).isSameAs(lock);
		assertThat(this.registry.obtain("orders", DlmMode.PR)).isNotSameAs(lock)
			.isSameAs(this.registry.obtain("orders", DlmMode.PR));
		assertThat(lock.getKey()).isEqualTo("orders");
		assertThat(lock.getResourceName()).isEqualTo("orders".getBytes(StandardCharsets.UTF_8));
	}

	@Test
	void defaultModeIsConfigurable() {
		DlmLockRegistry shared = new DlmLockRegistry(this.lockspace, DlmMode.PR);
		assertThat(shared.obtain("k").mode()).isEqualTo(DlmMode.PR);
		assertThat(shared.getDefaultMode()).isEqualTo(DlmMode.PR);
	}

	@Test
	void lockIsReentrantAndOnlyTheOutermostUnlockReleases() throws Exception {
		DlmLock lock = this.registry.obtain("reentrant");
		lock.lock();
		lock.lock();
		assertThat(lock.tryLock()).isTrue();
		assertThat(lock.getHoldCount()).isEqualTo(3);
		assertThat(lock.isHeldByCurrentThread()).isTrue();
		assertThat(this.client.dump(LOCKSPACE)).hasSize(1);
		lock.unlock();
		lock.unlock();
		assertThat(this.local.tryLockElsewhere(lock)).isFalse();
		lock.unlock();
		assertThat(lock.isHeldByCurrentThread()).isFalse();
		assertThat(lock.isLocked()).isFalse();
		assertThat(this.local.tryLockElsewhere(lock)).isTrue();
		assertThat(this.client.dump(LOCKSPACE)).isEmpty();
	}

	@Test
	void unlockByAThreadThatDoesNotHoldTheLockThrows() throws Exception {
		DlmLock lock = this.registry.obtain("not-mine");
		assertThatExceptionOfType(IllegalMonitorStateException.class).isThrownBy(lock::unlock)
			.withMessageContaining("not-mine")
			.withMessageContaining("does not hold it");
		lock.lock();
		Future<Throwable> other = this.executor.submit(() -> {
			try {
				lock.unlock();
				return null;
			}
			catch (IllegalMonitorStateException ex) {
				return ex;
			}
		});
		assertThat(other.get(TIMEOUT_SECONDS, TimeUnit.SECONDS)).isInstanceOf(IllegalMonitorStateException.class);
		assertThat(lock.isHeldByCurrentThread()).isTrue();
		lock.unlock();
		assertThatExceptionOfType(IllegalMonitorStateException.class).isThrownBy(lock::unlock);
	}

	@Test
	void tryLockDoesNotWaitWhenAnotherThreadHoldsTheLock() throws Exception {
		DlmLock lock = this.registry.obtain("busy");
		lock.lock();
		assertThat(this.local.tryLockElsewhere(lock)).isFalse();
		assertThat(this.local.tryLockElsewhere(this.registry.obtain("busy", DlmMode.CR))).isFalse();
		assertThat(this.local.tryLockElsewhere(this.registry.obtain("busy", DlmMode.NL))).isTrue();
		lock.unlock();
		assertThat(this.client.dump(LOCKSPACE)).isEmpty();
	}

	@Test
	void timedTryLockTimesOutAndLeavesNoRequestBehind() throws Exception {
		DlmLock lock = this.registry.obtain("timed");
		lock.lock();
		Future<Boolean> waiter = this.executor.submit(() -> lock.tryLock(50, TimeUnit.MILLISECONDS));
		assertThat(waiter.get(TIMEOUT_SECONDS, TimeUnit.SECONDS)).isFalse();
		assertThat(this.client.dump(LOCKSPACE)).singleElement()
			.satisfies((info) -> assertThat(info.grantedMode()).isEqualTo(DlmMode.EX));
		lock.unlock();
		assertThat(this.client.dump(LOCKSPACE)).isEmpty();
	}

	@Test
	void timedTryLockSucceedsWhenTheLockIsReleasedInTime() throws Exception {
		DlmLock lock = this.registry.obtain("released-in-time");
		lock.lock();
		CountDownLatch done = new CountDownLatch(1);
		Future<Boolean> waiter = this.executor.submit(() -> {
			boolean acquired = lock.tryLock(TIMEOUT_SECONDS, TimeUnit.SECONDS);
			lock.unlock();
			done.countDown();
			return acquired;
		});
		this.local.awaitWaiting("released-in-time", 1);
		lock.unlock();
		assertThat(waiter.get(TIMEOUT_SECONDS, TimeUnit.SECONDS)).isTrue();
		assertThat(done.await(TIMEOUT_SECONDS, TimeUnit.SECONDS)).isTrue();
		assertThat(this.client.dump(LOCKSPACE)).isEmpty();
	}

	@Test
	void tryLockWithZeroTimeAsksWithoutWaiting() throws Exception {
		DlmLock lock = this.registry.obtain("zero");
		lock.lock();
		Future<Boolean> waiter = this.executor.submit(() -> lock.tryLock(0, TimeUnit.SECONDS));
		assertThat(waiter.get(TIMEOUT_SECONDS, TimeUnit.SECONDS)).isFalse();
		lock.unlock();
		assertThat(lock.tryLock(-1, TimeUnit.SECONDS)).isTrue();
		lock.unlock();
	}

	@Test
	void lockInterruptiblyEndsWhenInterruptedAndCancelsTheRequest() throws Exception {
		DlmLock lock = this.registry.obtain("interruptible");
		lock.lock();
		AtomicReference<Thread> waiterThread = new AtomicReference<>();
		Future<Boolean> waiter = this.executor.submit(() -> {
			waiterThread.set(Thread.currentThread());
			try {
				lock.lockInterruptibly();
				lock.unlock();
				return false;
			}
			catch (InterruptedException ex) {
				return !Thread.currentThread().isInterrupted();
			}
		});
		this.local.awaitWaiting("interruptible", 1);
		waiterThread.get().interrupt();
		assertThat(waiter.get(TIMEOUT_SECONDS, TimeUnit.SECONDS)).as("interrupted, with the flag cleared").isTrue();
		assertThat(this.client.dump(LOCKSPACE)).hasSize(1);
		lock.unlock();
		assertThat(this.client.dump(LOCKSPACE)).isEmpty();
	}

	@Test
	void timedTryLockThrowsWhenInterruptedWhileWaiting() throws Exception {
		DlmLock lock = this.registry.obtain("timed-interrupt");
		lock.lock();
		AtomicReference<Thread> waiterThread = new AtomicReference<>();
		Future<Throwable> waiter = this.executor.submit(() -> {
			waiterThread.set(Thread.currentThread());
			try {
				lock.tryLock(TIMEOUT_SECONDS, TimeUnit.SECONDS);
				return null;
			}
			catch (InterruptedException ex) {
				return ex;
			}
		});
		this.local.awaitWaiting("timed-interrupt", 1);
		waiterThread.get().interrupt();
		assertThat(waiter.get(TIMEOUT_SECONDS, TimeUnit.SECONDS)).isInstanceOf(InterruptedException.class);
		lock.unlock();
		assertThat(this.client.dump(LOCKSPACE)).isEmpty();
	}

	@Test
	void interruptibleAcquisitionsThrowWhenAlreadyInterrupted() {
		DlmLock lock = this.registry.obtain("pre-interrupted");
		Thread.currentThread().interrupt();
		assertThatExceptionOfType(InterruptedException.class).isThrownBy(lock::lockInterruptibly);
		Thread.currentThread().interrupt();
		assertThatExceptionOfType(InterruptedException.class)
			.isThrownBy(() -> lock.tryLock(1, TimeUnit.SECONDS));
		assertThat(lock.isHeldByCurrentThread()).isFalse();
		assertThat(this.client.dump(LOCKSPACE)).isEmpty();
	}

	@Test
	void lockKeepsWaitingWhenInterruptedAndRestoresTheInterruptFlag() throws Exception {
		DlmLock lock = this.registry.obtain("uninterruptible");
		lock.lock();
		AtomicReference<Thread> waiterThread = new AtomicReference<>();
		AtomicBoolean released = new AtomicBoolean();
		Future<Boolean> waiter = this.executor.submit(() -> {
			waiterThread.set(Thread.currentThread());
			lock.lock();
			try {
				assertThat(released).as("acquired only after the holder released").isTrue();
				return Thread.currentThread().isInterrupted();
			}
			finally {
				lock.unlock();
			}
		});
		this.local.awaitWaiting("uninterruptible", 1);
		waiterThread.get().interrupt();
		// the interrupt must not end the wait: the request is still queued
		this.local.awaitWaiting("uninterruptible", 1);
		assertThat(waiter.isDone()).isFalse();
		released.set(true);
		lock.unlock();
		assertThat(waiter.get(TIMEOUT_SECONDS, TimeUnit.SECONDS)).as("interrupt flag set again").isTrue();
		assertThat(this.client.dump(LOCKSPACE)).isEmpty();
	}

	@Test
	void newConditionIsNotSupported() {
		assertThatExceptionOfType(UnsupportedOperationException.class)
			.isThrownBy(() -> this.registry.obtain("cond").newCondition())
			.withMessageContaining("no condition variables");
	}

	@Test
	void exclusiveModeExcludesOtherThreadsOfTheSameJvm() throws Exception {
		int threads = 6;
		int rounds = 200;
		DlmLock lock = this.registry.obtain("counter");
		AtomicInteger inside = new AtomicInteger();
		AtomicInteger maxInside = new AtomicInteger();
		int[] counter = new int[1];
		List<Future<?>> futures = new ArrayList<>();
		for (int t = 0; t < threads; t++) {
			futures.add(this.executor.submit(() -> {
				for (int i = 0; i < rounds; i++) {
					lock.lock();
					try {
						maxInside.accumulateAndGet(inside.incrementAndGet(), Math::max);
						counter[0] = counter[0] + 1;
						Thread.yield();
						inside.decrementAndGet();
					}
					finally {
						lock.unlock();
					}
				}
				return null;
			}));
		}
		for (Future<?> future : futures) {
			future.get(TIMEOUT_SECONDS * 3, TimeUnit.SECONDS);
		}
		assertThat(maxInside).hasValue(1);
		assertThat(counter[0]).isEqualTo(threads * rounds);
		assertThat(this.client.dump(LOCKSPACE)).isEmpty();
	}

	@Test
	void protectedReadIsSharedByManyThreadsWhileExclusiveWaits() throws Exception {
		int readers = 4;
		DlmLock read = this.registry.obtain("shared", DlmMode.PR);
		DlmLock write = this.registry.obtain("shared", DlmMode.EX);
		CyclicBarrier allReading = new CyclicBarrier(readers + 1);
		CountDownLatch finishReading = new CountDownLatch(1);
		AtomicInteger reading = new AtomicInteger();
		List<Future<?>> futures = new ArrayList<>();
		for (int r = 0; r < readers; r++) {
			futures.add(this.executor.submit(() -> {
				read.lock();
				try {
					reading.incrementAndGet();
					allReading.await(TIMEOUT_SECONDS, TimeUnit.SECONDS);
					assertThat(finishReading.await(TIMEOUT_SECONDS, TimeUnit.SECONDS)).isTrue();
					reading.decrementAndGet();
				}
				finally {
					read.unlock();
				}
				return null;
			}));
		}
		allReading.await(TIMEOUT_SECONDS, TimeUnit.SECONDS);
		assertThat(reading).hasValue(readers);
		Future<Integer> writer = this.executor.submit(() -> {
			write.lock();
			try {
				return reading.get();
			}
			finally {
				write.unlock();
			}
		});
		this.local.awaitWaiting("shared", 1);
		assertThat(writer.isDone()).isFalse();
		finishReading.countDown();
		assertThat(writer.get(TIMEOUT_SECONDS, TimeUnit.SECONDS)).as("readers inside when the writer got in").isZero();
		for (Future<?> future : futures) {
			future.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
		}
		assertThat(this.client.dump(LOCKSPACE)).isEmpty();
	}

	@Test
	void readWriteLockViewUsesProtectedReadAndExclusive() throws Exception {
		DlmReadWriteLock readWrite = this.registry.readWriteLock("rw");
		assertThat(readWrite.readLock().mode()).isEqualTo(DlmMode.PR);
		assertThat(readWrite.writeLock().mode()).isEqualTo(DlmMode.EX);
		assertThat(readWrite.readLock()).isSameAs(this.registry.obtain("rw", DlmMode.PR));
		readWrite.readLock().lock();
		assertThat(this.local.tryLockElsewhere(readWrite.readLock())).isTrue();
		assertThat(this.local.tryLockElsewhere(readWrite.writeLock())).isFalse();
		// the write lock re-enters the thread's hold by converting it up, and back down on unlock
		readWrite.writeLock().lock();
		assertThat(readWrite.writeLock().getHoldCount()).isEqualTo(2);
		assertThat(readWrite.readLock().getHeldMode()).isEqualTo(DlmMode.EX);
		assertThat(this.local.tryLockElsewhere(readWrite.readLock())).isFalse();
		readWrite.writeLock().unlock();
		assertThat(readWrite.readLock().getHeldMode()).isEqualTo(DlmMode.PR);
		assertThat(this.local.tryLockElsewhere(readWrite.readLock())).isTrue();
		readWrite.readLock().unlock();
		readWrite.writeLock().lock();
		assertThat(this.local.tryLockElsewhere(readWrite.readLock())).isFalse();
		// a read re-entry is covered by EX and changes nothing
		readWrite.readLock().lock();
		assertThat(readWrite.readLock().getHeldMode()).isEqualTo(DlmMode.EX);
		readWrite.readLock().unlock();
		assertThat(this.local.tryLockElsewhere(readWrite.readLock())).isFalse();
		readWrite.writeLock().unlock();
		assertThat(this.client.dump(LOCKSPACE)).isEmpty();
	}

	@Test
	void reentryBelongsToTheResourceWhateverLockObjectOrRegistryOfTheLockspaceIsUsed() throws Exception {
		DlmLock read = this.registry.obtain("self", DlmMode.PR);
		DlmLock write = this.registry.obtain("self", DlmMode.EX);
		DlmLock unrelated = this.registry.obtain("unrelated", DlmMode.EX);
		unrelated.lock();
		read.lock();
		assertThat(write.tryLock(1, TimeUnit.MINUTES)).as("converts the thread's PR up").isTrue();
		assertThat(write.getHeldMode()).isEqualTo(DlmMode.EX);
		DlmLockRegistry otherRegistry = new DlmLockRegistry(this.lockspace);
		DlmLock viaOtherRegistry = otherRegistry.obtain("self", DlmMode.EX);
		assertThat(viaOtherRegistry.tryLock(10, TimeUnit.MILLISECONDS)).as("another registry on the lockspace").isTrue();
		assertThat(read.getHoldCount()).isEqualTo(3);
		viaOtherRegistry.unlock();
		write.unlock();
		assertThat(read.getHeldMode()).isEqualTo(DlmMode.PR);
		read.unlock();
		assertThat(read.isHeldByCurrentThread()).isFalse();
		// a lock object dropped from the cache while held: the fresh one re-enters its hold
		DlmLock stale = this.registry.obtain("stale", DlmMode.EX);
		this.registry.expireUnusedOlderThan(0);
		stale.lock();
		DlmLock fresh = this.registry.obtain("stale", DlmMode.EX);
		assertThat(fresh).isNotSameAs(stale);
		Future<Boolean> elsewhere = this.executor.submit(() -> {
			fresh.lock();
			fresh.lock();
			fresh.unlock();
			fresh.unlock();
			return true;
		});
		this.local.awaitWaiting("stale", 1);
		fresh.lock();
		assertThat(fresh.getHoldCount()).isEqualTo(2);
		assertThat(elsewhere).as("another thread waits while this one holds it").isNotDone();
		fresh.unlock();
		stale.unlock();
		assertThat(elsewhere.get(TIMEOUT_SECONDS, TimeUnit.SECONDS)).isTrue();
		unrelated.unlock();
		this.local.awaitEmpty();
	}

	@Test
	void aHoldReleasedThroughAnotherLockObjectStopsCountingForTheObjectItWasAcquiredThrough() {
		DlmLock acquiredThrough = this.registry.obtain("counted", DlmMode.PR);
		DlmLock releasedThrough = this.registry.obtain("counted", DlmMode.EX);
		acquiredThrough.lock();
		releasedThrough.lock();
		acquiredThrough.unlock();
		assertThat(acquiredThrough.isLocked()).isTrue();
		assertThat(releasedThrough.isLocked()).isFalse();
		releasedThrough.unlock();
		assertThat(acquiredThrough.isLocked()).isFalse();
		assertThat(releasedThrough.isLocked()).isFalse();
		this.registry.expireUnusedOlderThan(0);
		assertThat(this.registry.obtain("counted", DlmMode.PR)).as("unused, so expired").isNotSameAs(acquiredThrough);
		assertThat(this.registry.obtain("counted", DlmMode.EX)).as("unused, so expired").isNotSameAs(releasedThrough);
		assertThat(this.client.dump(LOCKSPACE)).isEmpty();
	}

	@Test
	void convertUpAndDownChangesWhatOthersCanHold() throws Exception {
		DlmLock lock = this.registry.obtain("convert", DlmMode.PR);
		DlmLock otherRead = this.registry.obtain("convert", DlmMode.PR);
		assertThatExceptionOfType(IllegalMonitorStateException.class).isThrownBy(() -> lock.convert(DlmMode.EX));
		lock.lock();
		assertThat(lock.getHeldMode()).isEqualTo(DlmMode.PR);
		assertThat(this.local.tryLockElsewhere(otherRead)).isTrue();
		lock.convert(DlmMode.EX);
		assertThat(lock.getHeldMode()).isEqualTo(DlmMode.EX);
		assertThat(this.local.tryLockElsewhere(otherRead)).isFalse();
		assertThat(lock.tryConvert(DlmMode.PW)).isTrue();
		assertThat(this.local.tryLockElsewhere(this.registry.obtain("convert", DlmMode.CR))).isTrue();
		assertThat(this.local.tryLockElsewhere(otherRead)).isFalse();
		lock.convert(DlmMode.PR);
		assertThat(lock.getHeldMode()).isEqualTo(DlmMode.PR);
		assertThat(this.local.tryLockElsewhere(otherRead)).isTrue();
		assertThat(this.client.dump(LOCKSPACE)).singleElement()
			.satisfies((info) -> assertThat(info.grantedMode()).isEqualTo(DlmMode.PR));
		lock.unlock();
		assertThat(lock.getHeldMode()).isNull();
		assertThat(this.client.dump(LOCKSPACE)).isEmpty();
	}

	@Test
	void conversionThatCannotBeGrantedInTimeKeepsTheHeldMode() throws Exception {
		DlmLock lock = this.registry.obtain("convert-timeout", DlmMode.PR);
		lock.lock();
		CountDownLatch otherHolds = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		Future<?> reader = this.executor.submit(() -> {
			lock.lock();
			try {
				otherHolds.countDown();
				assertThat(release.await(TIMEOUT_SECONDS, TimeUnit.SECONDS)).isTrue();
			}
			finally {
				lock.unlock();
			}
			return null;
		});
		assertThat(otherHolds.await(TIMEOUT_SECONDS, TimeUnit.SECONDS)).isTrue();
		assertThat(lock.tryConvert(DlmMode.EX)).isFalse();
		assertThat(lock.tryConvert(DlmMode.EX, 30, TimeUnit.MILLISECONDS)).isFalse();
		assertThat(lock.getHeldMode()).isEqualTo(DlmMode.PR);
		release.countDown();
		reader.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
		assertThat(lock.tryConvert(DlmMode.EX, TIMEOUT_SECONDS, TimeUnit.SECONDS)).isTrue();
		assertThat(lock.getHeldMode()).isEqualTo(DlmMode.EX);
		lock.unlock();
		assertThat(this.client.dump(LOCKSPACE)).isEmpty();
	}

	@Test
	void conversionDeadlockFailsOneConversionAndKeepsItsMode() throws Exception {
		DlmLock lock = this.registry.obtain("deadlock", DlmMode.PR);
		CyclicBarrier bothHold = new CyclicBarrier(2);
		List<Future<String>> futures = new ArrayList<>();
		for (int i = 0; i < 2; i++) {
			futures.add(this.executor.submit(() -> {
				lock.lock();
				try {
					bothHold.await(TIMEOUT_SECONDS, TimeUnit.SECONDS);
					try {
						lock.convert(DlmMode.EX);
						return "converted to " + lock.getHeldMode();
					}
					catch (DlmDeadlockException ex) {
						return "deadlock, kept " + lock.getHeldMode();
					}
				}
				finally {
					lock.unlock();
				}
			}));
		}
		List<String> outcomes = new ArrayList<>();
		for (Future<String> future : futures) {
			outcomes.add(future.get(TIMEOUT_SECONDS, TimeUnit.SECONDS));
		}
		assertThat(outcomes).containsExactlyInAnyOrder("converted to EX", "deadlock, kept PR");
		assertThat(this.client.dump(LOCKSPACE)).isEmpty();
	}

	@Test
	void valueBlockTravelsBetweenTwoProcessesAndSurvivesWhenAllHoldersReleased() throws Exception {
		// two handles on one lockspace behave like two processes
		DlmLockRegistry otherProcess = new DlmLockRegistry(this.client.openLockspace(LOCKSPACE, LockspaceOptions.DEFAULTS));
		byte[] written = new byte[32];
		Arrays.fill(written, (byte) 7);
		written[0] = 42;
		DlmLock writer = this.registry.obtain("lvb");
		this.executor.submit(() -> {
			writer.lock();
			try {
				assertThat(writer.getValueBlock()).hasSize(32);
				writer.setValueBlock(written);
				assertThat(writer.getValueBlock()).isEqualTo(written);
				assertThat(writer.isRetainingValueBlock()).as("anchor taken on publication, not before").isFalse();
			}
			finally {
				writer.unlock();
			}
			return null;
		}).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
		// nobody holds the lock now; the writer's NL anchor keeps the resource and its value
		assertThat(writer.isRetainingValueBlock()).isTrue();
		assertThat(this.client.dump(LOCKSPACE)).singleElement().satisfies(this::isValueBlockAnchor);
		assertThat(readValueBlock(otherProcess.obtain("lvb", DlmMode.PR))).isEqualTo(written);
		assertThat(readValueBlock(otherProcess.obtain("lvb", DlmMode.EX))).isEqualTo(written);
		// reading does not anchor: only the writer's anchor remains
		assertThat(this.client.dump(LOCKSPACE)).singleElement().satisfies(this::isValueBlockAnchor);
	}

	@Test
	void valueBlockAnchorIsReleasedWhenTheLockObjectExpires() throws Exception {
		DlmLock lock = this.registry.obtain("lvb-expiry");
		publish(lock, 5);
		this.registry.expireUnusedOlderThan(TimeUnit.HOURS.toMillis(1));
		assertThat(lock.isRetainingValueBlock()).isTrue();
		assertThat(this.client.dump(LOCKSPACE)).singleElement().satisfies(this::isValueBlockAnchor);
		this.registry.expireUnusedOlderThan(0);
		assertThat(lock.isRetainingValueBlock()).isFalse();
		assertThat(this.client.dump(LOCKSPACE)).isEmpty();
		// the kernel's semantics: with no lock left the value is gone, and reads as zeros
		assertThat(readValueBlock(this.registry.obtain("lvb-expiry", DlmMode.PR))).isEqualTo(new byte[32]);
	}

	@Test
	void expiredLockObjectKeptByTheApplicationRetainsAgainAndExpiresAgain() throws Exception {
		DlmLock kept = this.registry.obtain("lvb-kept");
		publish(kept, 1);
		this.registry.expireUnusedOlderThan(0);
		assertThat(this.registry.obtain("lvb-kept")).isNotSameAs(kept);
		assertThat(this.client.dump(LOCKSPACE)).isEmpty();
		publish(kept, 2);
		assertThat(kept.isRetainingValueBlock()).isTrue();
		assertThat(readValueBlock(this.registry.obtain("lvb-kept", DlmMode.PR))[7]).isEqualTo((byte) 2);
		this.registry.expireUnusedOlderThan(TimeUnit.HOURS.toMillis(1));
		assertThat(kept.isRetainingValueBlock()).isTrue();
		this.registry.expireUnusedOlderThan(0);
		assertThat(kept.isRetainingValueBlock()).isFalse();
		assertThat(this.client.dump(LOCKSPACE)).isEmpty();
	}

	@Test
	void valueBlockAnchorsAreReleasedWhenTheRegistryCloses() throws Exception {
		publish(this.registry.obtain("lvb-close-1"), 1);
		publish(this.registry.obtain("lvb-close-2", DlmMode.PW), 2);
		assertThat(this.client.dump(LOCKSPACE)).hasSize(2).allSatisfy(this::isValueBlockAnchor);
		this.registry.close();
		assertThat(this.client.dump(LOCKSPACE)).isEmpty();
		// still usable, but no longer retains values
		DlmLock lock = this.registry.obtain("lvb-close-1");
		publish(lock, 3);
		assertThat(lock.isRetainingValueBlock()).isFalse();
		assertThat(this.client.dump(LOCKSPACE)).isEmpty();
		this.registry.close();
	}

	@Test
	void closingTheLockspaceReleasesValueBlockAnchorsToo() throws Exception {
		DlmLock lock = this.registry.obtain("lvb-lockspace");
		publish(lock, 4);
		assertThat(lock.isRetainingValueBlock()).isTrue();
		this.lockspace.close();
		assertThat(this.client.dump(LOCKSPACE)).isEmpty();
		assertThat(lock.isRetainingValueBlock()).isFalse();
		this.registry.expireUnusedOlderThan(0);
		this.registry.close();
	}

	@Test
	void valueBlockRetentionCanBeTurnedOff() throws Exception {
		this.registry.setRetainValueBlocks(false);
		assertThat(this.registry.isRetainValueBlocks()).isFalse();
		DlmLock lock = this.registry.obtain("lvb-off");
		publish(lock, 9);
		assertThat(lock.isRetainingValueBlock()).isFalse();
		assertThat(this.client.dump(LOCKSPACE)).isEmpty();
		assertThat(readValueBlock(this.registry.obtain("lvb-off", DlmMode.PR))).isEqualTo(new byte[32]);
	}

	@Test
	void aValuePublishedThroughAReentryOfAnotherRegistryIsRetainedByThatRegistry() throws Exception {
		// found by LockModelTests: the hold was acquired through a closed registry's lock
		// object, and the value published through an open one went with the hold's (closed)
		// anchors, so nothing retained it once the hold ended
		DlmLockRegistry closed = new DlmLockRegistry(this.lockspace);
		closed.close();
		DlmLockRegistry reader = new DlmLockRegistry(this.lockspace);
		DlmLock outer = closed.obtain("lvb-reentry", DlmMode.CR);
		DlmLock inner = this.registry.obtain("lvb-reentry", DlmMode.EX);
		byte[] written = new byte[32];
		written[0] = 3;
		outer.lock();
		inner.lock();
		inner.setValueBlock(written);
		inner.unlock();
		outer.unlock();
		assertThat(inner.isRetainingValueBlock()).isTrue();
		assertThat(readValueBlock(reader.obtain("lvb-reentry"))).isEqualTo(written);
		reader.close();
	}

	@Test
	void valueBlockAnchorIsTakenPastWaitersAndBlocksNobody() throws Exception {
		// two handles on one lockspace behave like two processes
		DlmLockRegistry otherProcess = new DlmLockRegistry(this.client.openLockspace(LOCKSPACE, LockspaceOptions.DEFAULTS));
		BlockingQueue<String> blockingEvents = new LinkedBlockingQueue<>();
		this.registry.setBlockingListener((lock, key, holder) -> blockingEvents.add(lock.mode() + " " + key));
		DlmLock writer = this.registry.obtain("lvb-queue");
		writer.lock();
		Future<byte[]> waiter = this.executor.submit(() -> readValueBlock(otherProcess.obtain("lvb-queue")));
		this.local.awaitWaiting("lvb-queue", 1);
		assertThat(blockingEvents.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS)).isEqualTo("EX lvb-queue");
		byte[] written = new byte[32];
		written[3] = 33;
		writer.setValueBlock(written);
		// the anchor (NL, expedited) is granted ahead of the waiting EX request; a plain NL
		// request would queue behind it, and the waiter behind this thread's EX: stuck
		writer.unlock();
		assertThat(waiter.get(TIMEOUT_SECONDS, TimeUnit.SECONDS)).isEqualTo(written);
		assertThat(writer.isRetainingValueBlock()).isTrue();
		// the anchor blocks nobody: EX is granted at once elsewhere, and no listener is told
		assertThat(this.local.tryLockElsewhere(otherProcess.obtain("lvb-queue"))).isTrue();
		// a blocking callback sent by that request would be delivered asynchronously: let
		// everything queued on this registry's handle be delivered before checking
		settleCallbacks(this.lockspace);
		assertThat(blockingEvents).isEmpty();
		this.registry.expireUnusedOlderThan(0);
		otherProcess.expireUnusedOlderThan(0);
		assertThat(this.client.dump(LOCKSPACE)).isEmpty();
	}

	@Test
	void counterInTheValueBlockSurvivesWhenEveryHolderReleasesBetweenIncrements() throws Exception {
		// two handles on one lockspace behave like two processes
		DlmLockRegistry otherProcess = new DlmLockRegistry(this.client.openLockspace(LOCKSPACE, LockspaceOptions.DEFAULTS));
		DlmLockRegistry[] processes = { this.registry, otherProcess };
		int threadsPerProcess = 3;
		int rounds = 40;
		int threads = threadsPerProcess * processes.length;
		// every round ends with all locks released (the barrier), so only a value kept
		// alive between holders lets the counter reach the total
		CyclicBarrier roundDone = new CyclicBarrier(threads);
		List<Future<?>> workers = new ArrayList<>();
		for (int t = 0; t < threads; t++) {
			DlmLockRegistry process = processes[t % processes.length];
			workers.add(this.executor.submit(() -> {
				DlmLock lock = process.obtain("counter");
				for (int round = 0; round < rounds; round++) {
					lock.lock();
					try {
						ByteBuffer value = ByteBuffer.wrap(lock.getValueBlock());
						lock.setValueBlock(ByteBuffer.allocate(32).putLong(0, value.getLong(0) + 1).array());
					}
					finally {
						lock.unlock();
					}
					roundDone.await(TIMEOUT_SECONDS, TimeUnit.SECONDS);
				}
				return null;
			}));
		}
		for (Future<?> worker : workers) {
			worker.get(TIMEOUT_SECONDS * 3, TimeUnit.SECONDS);
		}
		DlmLock reader = otherProcess.obtain("counter", DlmMode.CR);
		reader.lock();
		try {
			assertThat(reader.isValueBlockValid()).isTrue();
			assertThat(ByteBuffer.wrap(reader.getValueBlock()).getLong(0)).isEqualTo((long) threads * rounds);
		}
		finally {
			reader.unlock();
		}
		// what kept it: one NL lock per process, gone once the lock objects expire
		assertThat(this.client.dump(LOCKSPACE)).hasSize(2).allSatisfy(this::isValueBlockAnchor);
		this.registry.expireUnusedOlderThan(0);
		otherProcess.expireUnusedOlderThan(0);
		assertThat(this.client.dump(LOCKSPACE)).isEmpty();
	}

	@Test
	void convertingDownFromExclusivePublishesTheValueBlock() throws Exception {
		DlmLock lock = this.registry.obtain("lvb-convert");
		byte[] written = new byte[32];
		written[31] = 99;
		lock.lock();
		lock.setValueBlock(written);
		lock.convert(DlmMode.PR);
		byte[] read = this.executor.submit(() -> {
			DlmLock reader = this.registry.obtain("lvb-convert", DlmMode.CR);
			reader.lock();
			try {
				return reader.getValueBlock();
			}
			finally {
				reader.unlock();
			}
		}).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
		assertThat(read).isEqualTo(written);
		assertThat(lock.isRetainingValueBlock()).isTrue();
		lock.unlock();
	}

	@Test
	void valueBlockRulesAreChecked() {
		DlmLock read = this.registry.obtain("lvb-rules", DlmMode.PR);
		assertThatExceptionOfType(IllegalMonitorStateException.class).isThrownBy(read::getValueBlock);
		read.lock();
		try {
			assertThatIllegalStateException().isThrownBy(() -> read.setValueBlock(new byte[32]))
				.withMessageContaining("PW or EX");
			read.convert(DlmMode.EX);
			assertThatIllegalArgumentException().isThrownBy(() -> read.setValueBlock(new byte[31]))
				.withMessageContaining("32 bytes");
		}
		finally {
			read.unlock();
		}
	}

	@Test
	void blockingListenersHearWhenAnotherThreadWaits() throws Exception {
		BlockingQueue<String> registryEvents = new LinkedBlockingQueue<>();
		BlockingQueue<String> lockEvents = new LinkedBlockingQueue<>();
		this.registry.setBlockingListener((lock, key, holder) -> registryEvents.add(key + " held by " + holder.getName()));
		DlmLock lock = this.registry.obtain("bast");
		lock.setBlockingListener((blocking, key, holder) -> lockEvents.add(blocking.mode() + " " + key));
		lock.lock();
		Future<Boolean> waiter = this.executor.submit(() -> {
			boolean acquired = this.registry.obtain("bast", DlmMode.PR).tryLock(TIMEOUT_SECONDS, TimeUnit.SECONDS);
			this.registry.obtain("bast", DlmMode.PR).unlock();
			return acquired;
		});
		assertThat(registryEvents.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS))
			.isEqualTo("bast held by " + Thread.currentThread().getName());
		assertThat(lockEvents.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS)).isEqualTo("EX bast");
		lock.unlock();
		assertThat(waiter.get(TIMEOUT_SECONDS, TimeUnit.SECONDS)).isTrue();
	}

	@Test
	void expiryDropsOnlyUnusedLocks() throws Exception {
		DlmLock held = this.registry.obtain("held");
		DlmLock idle = this.registry.obtain("idle");
		held.lock();
		idle.lock();
		idle.unlock();
		this.registry.expireUnusedOlderThan(TimeUnit.HOURS.toMillis(1));
		assertThat(this.registry.obtain("idle")).isSameAs(idle);
		this.registry.expireUnusedOlderThan(0);
		assertThat(this.registry.obtain("held")).isSameAs(held);
		DlmLock fresh = this.registry.obtain("idle");
		assertThat(fresh).isNotSameAs(idle);
		held.unlock();
		this.registry.expireUnusedOlderThan(0);
		assertThat(this.registry.obtain("held")).isNotSameAs(held);
		// an expired object still works, and the lock manager still arbitrates
		idle.lock();
		assertThat(this.local.tryLockElsewhere(fresh)).isFalse();
		idle.unlock();
		assertThat(this.client.dump(LOCKSPACE)).isEmpty();
	}

	@Test
	void badKeysAreRefusedWithTheLimitNamed() {
		assertThatIllegalArgumentException().isThrownBy(() -> this.registry.obtain(null))
			.withMessageContaining("must not be null");
		assertThatIllegalArgumentException().isThrownBy(() -> this.registry.obtain(""))
			.withMessageContaining("empty")
			.withMessageContaining("1..64 bytes");
		String ascii65 = "k".repeat(65);
		assertThatIllegalArgumentException().isThrownBy(() -> this.registry.obtain(ascii65))
			.withMessageContaining(ascii65)
			.withMessageContaining("65 bytes")
			.withMessageContaining("64 bytes")
			.withMessageContaining("hashingLongKeys");
		assertThat(this.registry.obtain("k".repeat(64)).getResourceName()).hasSize(64);
		// 21 euro signs are 63 bytes; one two-byte character more crosses the limit
		String euros = "\u20ac".repeat(21);
		assertThat(this.registry.obtain(euros).getResourceName()).hasSize(63);
		assertThatIllegalArgumentException().isThrownBy(() -> this.registry.obtain(euros + "\u00e9"))
			.withMessageContaining("65 bytes");
		assertThat(this.registry.obtain("\u00e9".repeat(32)).getResourceName()).hasSize(64);
		assertThatIllegalArgumentException().isThrownBy(() -> this.registry.obtain("\u00e9".repeat(33)))
			.withMessageContaining("66 bytes");
	}

	@Test
	void hashingStrategyMapsLongKeysToDistinctDigests() throws Exception {
		this.registry.setKeyStrategy(DlmKeyStrategy.hashingLongKeys());
		String longA = "tenant-1/" + "x".repeat(100) + "/a";
		String longB = "tenant-1/" + "x".repeat(100) + "/b";
		byte[] nameA = this.registry.toResourceName(longA);
		byte[] nameB = this.registry.toResourceName(longB);
		assertThat(nameA).hasSize(64).isNotEqualTo(nameB);
		assertThat(new String(nameA, StandardCharsets.US_ASCII)).startsWith("sha256:").matches("sha256:[0-9a-f]{57}");
		assertThat(this.registry.toResourceName(longA)).isEqualTo(nameA);
		assertThat(this.registry.toResourceName("short")).isEqualTo("short".getBytes(StandardCharsets.UTF_8));
		assertThat(new String(this.registry.toResourceName("sha256:abc"), StandardCharsets.US_ASCII))
			.as("keys that look like digests are hashed too")
			.hasSize(64);
		assertThatIllegalArgumentException().isThrownBy(() -> this.registry.obtain(""));
		DlmLock lock = this.registry.obtain(longA);
		lock.lock();
		assertThat(this.local.tryLockElsewhere(this.registry.obtain(longA))).isFalse();
		assertThat(this.local.tryLockElsewhere(this.registry.obtain(longB))).isTrue();
		lock.unlock();
		assertThatIllegalArgumentException().isThrownBy(() -> DlmKeyStrategy.hashingLongKeys("p".repeat(33)))
			.withMessageContaining("1..32 bytes");
	}

	@Test
	void executeLockedRunsWhileHoldingTheLock() throws Exception {
		AtomicBoolean heldInside = new AtomicBoolean();
		this.registry.executeLocked("exec", () -> heldInside.set(!this.local.tryLockElsewhere(this.registry.obtain("exec"))));
		assertThat(heldInside).isTrue();
		String result = this.registry.executeLocked("exec", () -> "done");
		assertThat(result).isEqualTo("done");
		CheckedRunnable<RuntimeException> failing = () -> {
			throw new IllegalStateException("boom");
		};
		assertThatIllegalStateException().isThrownBy(() -> this.registry.executeLocked("exec", failing))
			.withMessage("boom");
		assertThat(this.local.tryLockElsewhere(this.registry.obtain("exec"))).as("released after the exception").isTrue();
		assertThat(this.registry.executeLocked("exec", Duration.ofSeconds(TIMEOUT_SECONDS), () -> 5)).isEqualTo(5);
		assertThat(this.client.dump(LOCKSPACE)).isEmpty();
	}

	@Test
	void executeLockedWithDurationThrowsTimeoutExceptionWhenNotAcquired() throws Exception {
		DlmLock lock = this.registry.obtain("exec-timeout");
		lock.lock();
		Future<Throwable> other = this.executor.submit(() -> {
			try {
				this.registry.executeLocked("exec-timeout", Duration.ofMillis(30), () -> {
				});
				return null;
			}
			catch (TimeoutException ex) {
				return ex;
			}
		});
		assertThat(other.get(TIMEOUT_SECONDS, TimeUnit.SECONDS)).isInstanceOf(TimeoutException.class);
		lock.unlock();
		assertThat(this.client.dump(LOCKSPACE)).isEmpty();
	}

	@Test
	void closedLockspaceFailsWithAClearError() {
		DlmLockspace other = this.client.openLockspace("closing", LockspaceOptions.DEFAULTS);
		DlmLockRegistry closing = new DlmLockRegistry(other);
		other.close();
		assertThatIllegalStateException().isThrownBy(() -> closing.obtain("k").lock());
		assertThat(closing.obtain("k").isLocked()).isFalse();
	}

	/** Writes {@code value} into byte 7 of the value block under the lock, then releases it. */
	private void publish(DlmLock lock, int value) throws Exception {
		this.executor.submit(() -> {
			lock.lock();
			try {
				byte[] written = new byte[32];
				written[7] = (byte) value;
				lock.setValueBlock(written);
			}
			finally {
				lock.unlock();
			}
			return null;
		}).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
	}

	private byte[] readValueBlock(DlmLock lock) {
		lock.lock();
		try {
			return lock.getValueBlock();
		}
		finally {
			lock.unlock();
		}
	}

	/**
	 * Runs a probe lock to completion on the handle: a handle delivers its callbacks in
	 * order, so every callback queued for it before has been delivered when this returns.
	 */
	private static void settleCallbacks(DlmLockspace lockspace) throws Exception {
		DlmLockHandle probe = lockspace.newLock(DlmResourceName.of("settle-probe"), null);
		assertThat(probe.request(DlmMode.NL, Set.of(), null).get(TIMEOUT_SECONDS, TimeUnit.SECONDS).isGranted())
			.isTrue();
		probe.unlock(null).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
	}

	private void isValueBlockAnchor(LocalLockInfo info) {
		assertThat(info.grantedMode()).isEqualTo(DlmMode.NL);
		assertThat(info.queue()).isEqualTo(LocalLockInfo.Queue.GRANTED);
	}

}
