package io.github.dlm.lock;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.github.dlm.core.DlmMode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.awaitility.Awaitility.await;

/**
 * Asynchronous holds: owned by whoever asked, released from any thread, and never leaked
 * by a cancellation or a wait limit that races with the grant.
 */
class DlmLockAsyncTests {

	private static final Duration TIMEOUT = LocalLockspaceExtension.TIMEOUT;

	@RegisterExtension
	final LocalLockspaceExtension fixture = fixture("async");

	/** The fixture the tests run on; {@link CachingDlmLockAsyncTests} runs them over caching. */
	LocalLockspaceExtension fixture(String name) {
		return new LocalLockspaceExtension(name);
	}

	@Test
	void anAsynchronousHoldExcludesOthersUntilAnyThreadReleasesIt() throws Exception {
		DlmLock lock = this.fixture.registry().obtain("order:42");
		DlmHold hold = lock.lockAsync().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
		assertThat(hold.getMode()).isEqualTo(DlmMode.EX);
		assertThat(lock.isLocked()).isTrue();
		assertThat(lock.isHeldByCurrentThread()).as("owned by the hold, not the thread").isFalse();
		assertThat(this.fixture.tryLockElsewhere(lock)).isFalse();
		assertThat(lock.tryLockAsync(Duration.ZERO).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isEmpty();
		CompletableFuture<Void> released = CompletableFuture.supplyAsync(hold::release, this.fixture.executor())
			.thenCompose((future) -> future);
		released.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
		assertThat(hold.release()).as("a second release is the same").isSameAs(hold.release());
		assertThat(lock.isLocked()).isFalse();
		assertThat(this.fixture.tryLockElsewhere(lock)).isTrue();
		assertThat(this.fixture.dump()).isEmpty();
	}

	@Test
	void aThreadThatHoldsTheResourceWaitsForAnAsynchronousRequestLikeAnyOtherHolder() throws Exception {
		DlmLock lock = this.fixture.registry().obtain("order:42");
		lock.lock();
		CompletableFuture<DlmHold> waiting = lock.lockAsync();
		this.fixture.awaitWaiting("order:42", 1);
		assertThat(waiting).as("the thread's hold blocks it").isNotDone();
		lock.unlock();
		waiting.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS).close();
		assertThat(this.fixture.dump()).isEmpty();
	}

	@Test
	void cancellingAWaitingAcquisitionCancelsItsRequest() throws Exception {
		DlmLock lock = this.fixture.registry().obtain("order:42");
		lock.lock();
		CompletableFuture<DlmHold> waiting = lock.lockAsync();
		this.fixture.awaitWaiting("order:42", 1);
		assertThat(waiting.cancel(true)).isTrue();
		this.fixture.awaitWaiting("order:42", 0);
		lock.unlock();
		assertThat(this.fixture.dump()).isEmpty();
		assertThat(lock.isLocked()).isFalse();
	}

	@Test
	void aWaitLimitEndsTheRequestEmptyAndAGrantInTimeGivesTheHold() throws Exception {
		DlmLock lock = this.fixture.registry().obtain("order:42");
		lock.lock();
		assertThat(lock.tryLockAsync(Duration.ofMillis(20)).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isEmpty();
		this.fixture.awaitWaiting("order:42", 0);
		CompletableFuture<Optional<DlmHold>> patient = lock.tryLockAsync(Duration.ofMinutes(5));
		this.fixture.awaitWaiting("order:42", 1);
		lock.unlock();
		DlmHold hold = patient.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS).orElseThrow();
		hold.release().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
		assertThat(this.fixture.dump()).isEmpty();
	}

	@Test
	void cancellationsAndWaitLimitsRacingWithGrantsNeverLeakALock() throws Exception {
		DlmLock lock = this.fixture.registry().obtain("race");
		List<DlmHold> granted = new ArrayList<>();
		for (int round = 0; round < 300; round++) {
			CountDownLatch holding = new CountDownLatch(1);
			CountDownLatch release = new CountDownLatch(1);
			CompletableFuture<Void> holder = CompletableFuture.runAsync(() -> {
				lock.lock();
				holding.countDown();
				try {
					release.await();
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
				finally {
					lock.unlock();
				}
			}, this.fixture.executor());
			assertThat(holding.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();
			CompletableFuture<DlmHold> cancelled = lock.lockAsync();
			CompletableFuture<Optional<DlmHold>> limited = lock.tryLockAsync(Duration.ofNanos(round * 1000L));
			release.countDown();
			if (round % 2 == 0) {
				Thread.yield();
			}
			cancelled.cancel(false);
			holder.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
			if (!cancelled.isCancelled()) {
				granted.add(cancelled.join());
			}
			limited.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS).ifPresent(granted::add);
			for (DlmHold hold : granted) {
				hold.release().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
			}
			granted.clear();
		}
		this.fixture.awaitEmpty();
		await().atMost(TIMEOUT).untilAsserted(() -> assertThat(lock.isLocked()).isFalse());
	}

	@Test
	void aValueSetOnAnAsynchronousHoldIsPublishedByItsRelease() throws Exception {
		DlmLock lock = this.fixture.registry().obtain("counter");
		DlmHold hold = lock.lockAsync().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
		byte[] value = new byte[32];
		value[0] = 11;
		hold.setValueBlock(value);
		hold.release().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
		assertThatIllegalStateException().isThrownBy(() -> hold.setValueBlock(value)).withMessageContaining("released");
		lock.lock();
		try {
			assertThat(lock.getValueBlock()).isEqualTo(value);
		}
		finally {
			lock.unlock();
		}
	}

	@Test
	void aHoldBoundToAThreadIsReenteredByItInsteadOfWaitedFor() throws Exception {
		DlmLock lock = this.fixture.registry().obtain("order:42");
		DlmHold hold = lock.lockAsync().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
		try (DlmHold.Binding binding = hold.bindToCurrentThread()) {
			assertThat(lock.isHeldByCurrentThread()).isTrue();
			this.fixture.registry().obtain("order:42", DlmMode.PR).lock();
			assertThat(lock.getHoldCount()).isEqualTo(2);
			this.fixture.registry().obtain("order:42", DlmMode.PR).unlock();
		}
		assertThat(lock.isHeldByCurrentThread()).isFalse();
		assertThat(hold.isReleased()).isFalse();
		assertThat(this.fixture.tryLockElsewhere(lock)).isFalse();
		hold.close();
		assertThat(this.fixture.dump()).isEmpty();
	}

	@Test
	void releasingAHoldAfterItsLockspaceClosedSucceedsQuietly() throws Exception {
		DlmHold hold = this.fixture.registry().obtain("order:42").lockAsync().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
		this.fixture.lockspace().close();
		hold.release().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
		assertThat(hold.getLock().isLocked()).isFalse();
	}

}
