package io.github.dlm.lock;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.github.dlm.core.DlmDeadlockException;
import io.github.dlm.core.DlmMode;
import io.github.dlm.lock.observation.DefaultDlmLockObservationConvention;

import static io.micrometer.observation.tck.TestObservationRegistryAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * The observations of a registry given an {@link ObservationRegistry}: one per
 * acquisition, with its outcome, and one per hold, from grant to release, over the local
 * engine.
 */
class DlmLockObservationTests {

	private static final Duration TIMEOUT = LocalLockspaceExtension.TIMEOUT;

	private static final String ACQUIRE = "dlm.lock.acquire";

	private static final String HOLD = "dlm.lock.hold";

	@RegisterExtension
	final LocalLockspaceExtension fixture = new LocalLockspaceExtension("observed");

	private final TestObservationRegistry observations = TestObservationRegistry.create();

	@BeforeEach
	void observe() {
		this.fixture.registry().setObservationRegistry(this.observations);
		this.fixture.registry().setBackendName("local");
	}

	@Test
	void observationsAreOffByDefault() {
		DlmLockRegistry registry = new DlmLockRegistry(this.fixture.lockspace());
		assertThat(registry.getObservationRegistry()).isSameAs(ObservationRegistry.NOOP);
		DlmLock lock = registry.obtain("order:42");
		lock.lock();
		lock.unlock();
		assertThat(this.observations).doesNotHaveAnyObservation();
	}

	@Test
	void aGrantedAcquisitionAndItsHoldAreObservedWithTagsAndKey() {
		DlmLock lock = this.fixture.registry().obtain("order:42");
		lock.lock();
		assertThat(this.observations).hasObservationWithNameEqualTo(ACQUIRE)
			.that()
			.hasBeenStopped()
			.hasContextualNameEqualTo("dlm acquire")
			.hasLowCardinalityKeyValue("lockspace", "observed")
			.hasLowCardinalityKeyValue("mode", "EX")
			.hasLowCardinalityKeyValue("backend", "local")
			.hasLowCardinalityKeyValue("owner", "thread")
			.hasLowCardinalityKeyValue("outcome", "granted")
			.hasHighCardinalityKeyValue("key", "order:42")
			.hasHighCardinalityKeyValue("resource", "order:42")
			.doesNotHaveError();
		assertThat(this.observations).hasObservationWithNameEqualTo(HOLD)
			.that()
			.hasBeenStarted()
			.isNotStopped()
			.hasLowCardinalityKeyValue("mode", "EX")
			.hasHighCardinalityKeyValue("key", "order:42");
		lock.lock();
		assertThat(this.observations).as("a re-entry that only counts is not observed")
			.hasNumberOfObservationsWithNameEqualTo(ACQUIRE, 1)
			.hasNumberOfObservationsWithNameEqualTo(HOLD, 1);
		lock.unlock();
		assertThat(this.observations).hasObservationWithNameEqualTo(HOLD).that().isNotStopped();
		lock.unlock();
		assertThat(this.observations).hasObservationWithNameEqualTo(HOLD).that().hasBeenStopped();
	}

	@Test
	void aTryLockThatMeetsAHolderIsNotGrantedAndAWaitLimitTimesOut() throws Exception {
		DlmLock lock = this.fixture.registry().obtain("order:42");
		CountDownLatch release = new CountDownLatch(1);
		Future<?> holder = holdElsewhere(lock, release);
		assertThat(lock.tryLock()).isFalse();
		assertThat(this.observations).hasAnObservation((observation) -> observation.hasNameEqualTo(ACQUIRE)
			.hasLowCardinalityKeyValue("outcome", "not_granted"));
		assertThat(lock.tryLock(10, TimeUnit.MILLISECONDS)).isFalse();
		assertThat(this.observations).hasAnObservation((observation) -> observation.hasNameEqualTo(ACQUIRE)
			.hasLowCardinalityKeyValue("outcome", "timed_out"));
		release.countDown();
		holder.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
	}

	@Test
	void anInterruptedWaitIsObservedAsInterrupted() throws Exception {
		DlmLock lock = this.fixture.registry().obtain("order:42");
		lock.lock();
		CompletableFuture<Thread> waiter = new CompletableFuture<>();
		Future<Boolean> waiting = this.fixture.executor().submit(() -> {
			waiter.complete(Thread.currentThread());
			try {
				lock.lockInterruptibly();
				lock.unlock();
				return false;
			}
			catch (InterruptedException ex) {
				return true;
			}
		});
		this.fixture.awaitWaiting("order:42", 1);
		assertThat(this.fixture.registry().getWaitingRequestCount()).isOne();
		waiter.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS).interrupt();
		assertThat(waiting.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();
		assertThat(this.observations).hasAnObservation((observation) -> observation.hasNameEqualTo(ACQUIRE)
			.hasLowCardinalityKeyValue("outcome", "interrupted")
			.hasError());
		assertThat(this.fixture.registry().getWaitingRequestCount()).isZero();
		lock.unlock();
	}

	@Test
	void aConversionDeadlockIsObservedAsDeadlock() throws Exception {
		DlmLock lock = this.fixture.registry().obtain("deadlock", DlmMode.PR);
		CyclicBarrier bothHold = new CyclicBarrier(2);
		Runnable convert = () -> {
			lock.lock();
			try {
				bothHold.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
				lock.convert(DlmMode.EX);
			}
			catch (DlmDeadlockException ex) {
				// one of the two
			}
			catch (Exception ex) {
				throw new IllegalStateException(ex);
			}
			finally {
				lock.unlock();
			}
		};
		Future<?> first = this.fixture.executor().submit(convert);
		Future<?> second = this.fixture.executor().submit(convert);
		first.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
		second.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
		assertThat(this.observations)
			.hasAnObservation((observation) -> observation.hasNameEqualTo(ACQUIRE)
				.hasLowCardinalityKeyValue("mode", "EX")
				.hasLowCardinalityKeyValue("outcome", "deadlock")
				.hasError())
			.hasAnObservation((observation) -> observation.hasNameEqualTo(ACQUIRE)
				.hasLowCardinalityKeyValue("mode", "EX")
				.hasLowCardinalityKeyValue("outcome", "granted"))
			.forAllObservationsWithNameEqualTo(HOLD, (observation) -> observation.hasLowCardinalityKeyValue("mode", "PR"));
		this.fixture.awaitEmpty();
	}

	@Test
	void anAsynchronousHoldIsObservedUntilReleased() throws Exception {
		DlmLock lock = this.fixture.registry().obtain("order:42");
		DlmHold hold = lock.lockAsync().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
		assertThat(this.observations).hasObservationWithNameEqualTo(ACQUIRE)
			.that()
			.hasBeenStopped()
			.hasLowCardinalityKeyValue("owner", "async")
			.hasLowCardinalityKeyValue("outcome", "granted");
		assertThat(this.observations).hasObservationWithNameEqualTo(HOLD)
			.that()
			.hasLowCardinalityKeyValue("owner", "async")
			.isNotStopped();
		hold.release().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
		assertThat(this.observations).hasObservationWithNameEqualTo(HOLD).that().hasBeenStopped();
	}

	@Test
	void asynchronousAcquisitionsThatEndWithoutAHoldHaveTheirOutcome() throws Exception {
		DlmLock lock = this.fixture.registry().obtain("order:42");
		lock.lock();
		assertThat(lock.tryLockAsync(Duration.ZERO).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isEmpty();
		assertThat(this.observations).hasAnObservation((observation) -> observation.hasNameEqualTo(ACQUIRE)
			.hasLowCardinalityKeyValue("owner", "async")
			.hasLowCardinalityKeyValue("outcome", "not_granted"));
		Optional<DlmHold> late = lock.tryLockAsync(Duration.ofMillis(10)).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
		assertThat(late).isEmpty();
		assertThat(this.observations).hasAnObservation((observation) -> observation.hasNameEqualTo(ACQUIRE)
			.hasLowCardinalityKeyValue("outcome", "timed_out"));
		CompletableFuture<DlmHold> cancelled = lock.lockAsync();
		this.fixture.awaitWaiting("order:42", 1);
		cancelled.cancel(true);
		await().atMost(TIMEOUT)
			.untilAsserted(() -> assertThat(this.observations).hasAnObservation((observation) -> observation
				.hasNameEqualTo(ACQUIRE)
				.hasLowCardinalityKeyValue("outcome", "cancelled")));
		lock.unlock();
		this.fixture.awaitEmpty();
	}

	@Test
	void blockingCallbacksAreHoldEventsAndCounted() throws Exception {
		DlmLock lock = this.fixture.registry().obtain("order:42");
		lock.lock();
		assertThat(this.fixture.registry().getHeldLockCount()).isOne();
		Future<?> waiting = this.fixture.executor().submit(() -> {
			lock.lock();
			lock.unlock();
		});
		await().atMost(TIMEOUT).until(() -> this.fixture.registry().getBlockingCallbackCount() > 0);
		assertThat(this.observations).hasObservationWithNameEqualTo(HOLD).that().hasEvent("dlm.lock.blocking");
		lock.unlock();
		waiting.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
		assertThat(this.fixture.registry().getHeldLockCount()).isZero();
	}

	@Test
	void aCustomConventionRenamesTheObservations() {
		this.fixture.registry()
			.setObservationConvention(new DefaultDlmLockObservationConvention() {
				@Override
				public String getName() {
					return "orders.lock.acquire";
				}
			});
		DlmLock lock = this.fixture.registry().obtain("order:42");
		assertThat(lock.tryLock()).isTrue();
		lock.unlock();
		assertThat(this.observations).hasObservationWithNameEqualTo("orders.lock.acquire")
			.that()
			.hasLowCardinalityKeyValue("outcome", "granted");
	}

	private Future<?> holdElsewhere(DlmLock lock, CountDownLatch release) throws Exception {
		CountDownLatch held = new CountDownLatch(1);
		Future<?> holder = this.fixture.executor().submit(() -> {
			lock.lock();
			try {
				held.countDown();
				release.await();
			}
			finally {
				lock.unlock();
			}
			return null;
		});
		assertThat(held.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();
		return holder;
	}

}
