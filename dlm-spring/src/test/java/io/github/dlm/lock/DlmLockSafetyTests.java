package io.github.dlm.lock;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.github.dlm.core.DlmDeadlockException;
import io.github.dlm.core.DlmFlag;
import io.github.dlm.core.DlmLockHandle;
import io.github.dlm.core.DlmMode;
import io.github.dlm.core.DlmResourceName;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Mutual exclusion and value-block rules on the paths where a lock object is not the whole
 * story: re-entry after a down-conversion, the same resource through other lock objects or
 * registries, values set before an up-conversion, blocks marked invalid, and locks whose
 * lockspace was closed under them. Each test failed before the lock layer kept holds per
 * resource and owner.
 */
class DlmLockSafetyTests {

	private static final Duration TIMEOUT = LocalLockspaceExtension.TIMEOUT;

	@RegisterExtension
	final LocalLockspaceExtension fixture = fixture("safety");

	/** The fixture the tests run on; {@link CachingDlmLockSafetyTests} runs them over caching. */
	LocalLockspaceExtension fixture(String name) {
		return new LocalLockspaceExtension(name);
	}

	@Test
	void reentryAfterADownConversionWaitsForTheModeOfTheLockObject() throws Exception {
		DlmLock lock = this.fixture.registry().obtain("order:42");
		lock.lock();
		lock.convert(DlmMode.NL);
		CountDownLatch otherHolds = new CountDownLatch(1);
		CountDownLatch otherMayRelease = new CountDownLatch(1);
		AtomicBoolean otherReleasing = new AtomicBoolean();
		Future<?> other = this.fixture.executor().submit(() -> {
			lock.lock();
			try {
				otherHolds.countDown();
				otherMayRelease.await();
			}
			finally {
				otherReleasing.set(true);
				lock.unlock();
			}
			return null;
		});
		assertThat(otherHolds.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();
		assertThat(lock.tryLock()).as("EX is held elsewhere: a re-entry from NL is not granted at once").isFalse();
		assertThat(lock.tryLock(20, TimeUnit.MILLISECONDS)).isFalse();
		assertThat(lock.getHoldCount()).isEqualTo(1);
		assertThat(lock.getHeldMode()).isEqualTo(DlmMode.NL);
		otherMayRelease.countDown();
		lock.lock();
		try {
			assertThat(otherReleasing).as("the other holder released before this re-entry was granted").isTrue();
			assertThat(lock.getHeldMode()).isEqualTo(DlmMode.EX);
			assertThat(this.fixture.tryLockElsewhere(lock)).isFalse();
		}
		finally {
			lock.unlock();
		}
		assertThat(lock.getHeldMode()).as("the re-entry's unlock converts back down").isEqualTo(DlmMode.NL);
		other.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
		assertThat(this.fixture.tryLockElsewhere(lock)).isTrue();
		lock.unlock();
		assertThat(this.fixture.dump()).isEmpty();
	}

	@Test
	void theSameKeyThroughALockObjectObtainedAfterExpiryReentersInsteadOfWaitingForItself() throws Exception {
		DlmLock first = this.fixture.registry().obtain("order:42");
		this.fixture.registry().expireUnusedOlderThan(0);
		this.fixture.onOtherThread(() -> {
			first.lock();
			DlmLock second = this.fixture.registry().obtain("order:42");
			assertThat(second).isNotSameAs(first);
			second.lock();
			assertThat(second.getHoldCount()).isEqualTo(2);
			second.unlock();
			first.unlock();
			assertThat(first.isHeldByCurrentThread()).isFalse();
			return null;
		});
		assertThat(this.fixture.dump()).isEmpty();
	}

	@Test
	void theSameKeyThroughAnotherRegistryOnTheLockspaceReentersInsteadOfWaitingForItself() throws Exception {
		DlmLockRegistry users = new DlmLockRegistry(this.fixture.lockspace());
		this.fixture.onOtherThread(() -> {
			this.fixture.registry().obtain("order:42").lock();
			users.obtain("order:42").lock();
			users.obtain("order:42").unlock();
			this.fixture.registry().obtain("order:42").unlock();
			return null;
		});
		assertThat(this.fixture.dump()).isEmpty();
	}

	@Test
	void aValueSetInProtectedWriteSurvivesAnUpConversionToExclusive() throws Exception {
		this.fixture.onOtherThread(() -> publish(this.fixture.registry().obtain("counter"), value(1)));
		DlmLock lock = this.fixture.registry().obtain("counter", DlmMode.PW);
		lock.lock();
		lock.setValueBlock(value(7));
		lock.convert(DlmMode.EX);
		assertThat(lock.getValueBlock()).isEqualTo(value(7));
		lock.unlock();
		assertThat(this.fixture.onOtherThread(() -> read(this.fixture.registry().obtain("counter")))).isEqualTo(value(7));
	}

	@Test
	void aHolderThatSetNoValueKeepsABlockMarkedInvalidInvalid() throws Exception {
		DlmLockHandle invalidator = this.fixture.lockspace().newLock(DlmResourceName.of("counter"), null);
		invalidator.request(DlmMode.EX, EnumSet.of(DlmFlag.VALBLK), null).get();
		invalidator.request(DlmMode.NL, EnumSet.of(DlmFlag.VALBLK), value(3)).get();
		invalidator.request(DlmMode.EX, EnumSet.of(DlmFlag.VALBLK), null).get();
		// the kernel's way to mark a block invalid; the NL lock keeps the resource alive
		invalidator.request(DlmMode.NL, EnumSet.of(DlmFlag.IVVALBLK), null).get();
		DlmLock lock = this.fixture.registry().obtain("counter");
		lock.lock();
		assertThat(lock.isValueBlockValid()).isFalse();
		lock.unlock();
		lock.lock();
		assertThat(lock.isValueBlockValid()).as("a release without a value set published nothing").isFalse();
		lock.convert(DlmMode.NL);
		lock.convert(DlmMode.EX);
		assertThat(lock.isValueBlockValid()).as("nor did a down-conversion").isFalse();
		lock.setValueBlock(value(9));
		lock.unlock();
		lock.lock();
		assertThat(lock.isValueBlockValid()).as("a value written makes it valid").isTrue();
		assertThat(lock.getValueBlock()).isEqualTo(value(9));
		lock.unlock();
		invalidator.unlock(null).get();
	}

	@Test
	void aHolderThatSetNoValueLeavesThePublishedValueAsItWas() throws Exception {
		this.fixture.onOtherThread(() -> publish(this.fixture.registry().obtain("counter"), value(5)));
		DlmLock pw = this.fixture.registry().obtain("counter", DlmMode.PW);
		pw.lock();
		pw.convert(DlmMode.EX);
		pw.convert(DlmMode.PW);
		pw.convert(DlmMode.CR);
		pw.unlock();
		assertThat(this.fixture.onOtherThread(() -> read(this.fixture.registry().obtain("counter")))).isEqualTo(value(5));
	}

	@Test
	void unlockAfterTheLockspaceWasClosedSucceedsQuietly() throws Exception {
		DlmLock lock = this.fixture.registry().obtain("order:42");
		lock.lock();
		lock.lock();
		this.fixture.lockspace().close();
		lock.unlock();
		lock.unlock();
		assertThat(lock.isHeldByCurrentThread()).isFalse();
		assertThat(lock.isLocked()).isFalse();
	}

	@Test
	void leavingAReentryThatConvertedUpAfterTheLockspaceWasClosedSucceedsQuietly() {
		DlmLock read = this.fixture.registry().obtain("catalog", DlmMode.PR);
		DlmLock write = this.fixture.registry().obtain("catalog", DlmMode.EX);
		read.lock();
		write.lock();
		write.setValueBlock(new byte[32]);
		this.fixture.lockspace().close();
		write.unlock();
		read.unlock();
		assertThat(read.isHeldByCurrentThread()).isFalse();
	}

	@Test
	void aNullValueBlockIsRefusedWithItsRule() {
		DlmLock lock = this.fixture.registry().obtain("counter");
		lock.lock();
		try {
			assertThatIllegalArgumentException().isThrownBy(() -> lock.setValueBlock(null))
				.withMessageContaining("must not be null")
				.withMessageContaining("32 bytes");
		}
		finally {
			lock.unlock();
		}
	}

	@Test
	void readersUpgradingToExclusiveAtOnceAreExcludedOrToldOfTheDeadlockAndLeakNothing() throws Exception {
		DlmLock read = this.fixture.registry().obtain("catalog", DlmMode.PR);
		DlmLock write = this.fixture.registry().obtain("catalog", DlmMode.EX);
		AtomicInteger readers = new AtomicInteger();
		AtomicInteger writers = new AtomicInteger();
		AtomicInteger upgrades = new AtomicInteger();
		AtomicInteger deadlocks = new AtomicInteger();
		List<Future<?>> threads = new ArrayList<>();
		for (int t = 0; t < 4; t++) {
			threads.add(this.fixture.executor().submit(() -> {
				for (int i = 0; i < 200; i++) {
					read.lock();
					readers.incrementAndGet();
					try {
						assertThat(writers.get()).as("no writer while reading").isZero();
						boolean upgraded = (i % 2 == 0) ? write.tryLock(5, TimeUnit.MILLISECONDS) : upgrade(write);
						if (upgraded) {
							writers.incrementAndGet();
							try {
								assertThat(readers.get()).as("the writer is the only reader left").isEqualTo(1);
								assertThat(writers.get()).isEqualTo(1);
								upgrades.incrementAndGet();
							}
							finally {
								writers.decrementAndGet();
								write.unlock();
							}
							assertThat(read.getHeldMode()).isEqualTo(DlmMode.PR);
						}
					}
					catch (DlmDeadlockException ex) {
						deadlocks.incrementAndGet();
						assertThat(read.getHeldMode()).as("a deadlocked upgrade keeps PR").isEqualTo(DlmMode.PR);
					}
					finally {
						readers.decrementAndGet();
						read.unlock();
					}
				}
				return null;
			}));
		}
		for (Future<?> thread : threads) {
			thread.get(TIMEOUT.toSeconds() * 4, TimeUnit.SECONDS);
		}
		assertThat(upgrades.get()).isPositive();
		assertThat(this.fixture.dump()).isEmpty();
	}

	private static boolean upgrade(DlmLock write) {
		write.lock();
		return true;
	}

	private static byte[] read(DlmLock lock) {
		lock.lock();
		try {
			return lock.getValueBlock();
		}
		finally {
			lock.unlock();
		}
	}

	private static Void publish(DlmLock lock, byte[] value) {
		lock.lock();
		try {
			lock.setValueBlock(value);
		}
		finally {
			lock.unlock();
		}
		return null;
	}

	private static byte[] value(int b) {
		byte[] value = new byte[32];
		value[0] = (byte) b;
		return value;
	}

}
