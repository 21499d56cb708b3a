package io.github.dlm.jna;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import io.github.dlm.core.DlmCompletion;
import io.github.dlm.core.DlmLockHandle;
import io.github.dlm.core.DlmMode;
import io.github.dlm.core.DlmResourceName;
import io.github.dlm.core.DlmStatus;
import io.github.dlm.core.LockspaceOptions;

import static io.github.dlm.contract.Completions.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Caller dispatch ({@link DlmDispatcher#await}) over the stand-in library, whose descriptor
 * read returns {@code struct dlm_lock_result} records as the kernel device does: waiting
 * threads read their own completions, results others wait for reach them, blocking
 * callbacks and asynchronous completions still run on the dispatcher thread, a waiter that
 * stops (outcome, time limit, interrupt, cancel) hands over without a gap, and a waiting
 * request holds no native memory.
 */
@Tag(NativeTestSupport.FAKE_LIBDLM)
class NativeCallerDispatchTests {

	private static final long TIMEOUT = 60;

	private static LibDlm libDlm;

	private static NativeFakeKernelTests.FakeControl fake;

	private NativeDlmClient client;

	private NativeLockspace lockspace;

	@BeforeAll
	static void buildStandIn() throws Exception {
		NativeTestSupport.FakeLibDlm standIn = NativeTestSupport.fakeLibDlm();
		libDlm = standIn.libDlm();
		fake = standIn.control();
	}

	@BeforeEach
	void open() {
		// A long poll interval: a hand-over that relied on the dispatcher thread's next poll
		// would show up as waits of seconds, and the test's limits catch a lost one.
		this.client = new NativeDlmClient(libDlm, new NativeDlmSettings(null, "dlm-dispatch-", Duration.ofSeconds(10),
				Duration.ofSeconds(20)));
		String name = "cd" + Long.toString(ThreadLocalRandom.current().nextLong(Long.MAX_VALUE), 36);
		this.lockspace = (NativeLockspace) this.client.openLockspace(name, new LockspaceOptions(true, 0600, false));
	}

	@AfterEach
	void close() {
		fake.fake_hold_callbacks(0);
		this.client.close();
		assertThat(fake.fake_live_locks()).as("locks left in the lock manager").isZero();
		assertThat(NativeCallbacks.registeredCount()).as("callback tokens left").isZero();
		assertThat(this.lockspace.buffers().allocatedCount()).as("request buffers left after close").isZero();
	}

	@Test
	void waitingCallerReadsItsOwnCompletions() throws Exception {
		DlmLockHandle lock = this.lockspace.newLock(DlmResourceName.of("own"), null);
		for (int i = 0; i < 20; i++) {
			assertThat(lock(lock, DlmMode.EX).get(TIMEOUT, TimeUnit.SECONDS).status()).isEqualTo(DlmStatus.GRANTED);
			assertThat(lock.unlock(null).get(TIMEOUT, TimeUnit.SECONDS).status()).isEqualTo(DlmStatus.UNLOCKED);
			lock = this.lockspace.newLock(DlmResourceName.of("own"), null);
		}
		DlmDispatcher dispatcher = this.lockspace.dispatcher();
		assertThat(dispatcher.completions()).isEqualTo(40);
		// The dispatcher thread polls too and may win a race now and then; the waiters read most.
		assertThat(dispatcher.completionsByCallers()).isPositive();
	}

	@Test
	void blockingCallbacksAndAsynchronousCompletionsReadByACallerRunOnTheDispatcherThread() throws Exception {
		String dispatcherThread = this.lockspace.dispatcher().getThreadName();
		AtomicReference<String> listenerThread = new AtomicReference<>();
		DlmLockHandle holder = this.lockspace.newLock(DlmResourceName.of("a"),
				(blocked) -> listenerThread.set(Thread.currentThread().getName()));
		await(holder.request(DlmMode.EX, Set.of(), null));
		DlmLockHandle otherHolder = this.lockspace.newLock(DlmResourceName.of("b"), null);
		await(otherHolder.request(DlmMode.EX, Set.of(), null));
		fake.fake_hold_callbacks(1);
		// An asynchronous request: its future has a dependent action and no waiting thread.
		AtomicReference<String> actionThread = new AtomicReference<>();
		CompletableFuture<DlmCompletion> asynchronous = this.lockspace.newLock(DlmResourceName.of("a"), null)
			.request(DlmMode.PR, Set.of(), null)
			.whenComplete((completion, failure) -> actionThread.set(Thread.currentThread().getName()));
		// A caller waiting on "b" reads the descriptor when the held results are let go.
		DlmLockHandle waiter = this.lockspace.newLock(DlmResourceName.of("b"), null);
		CompletableFuture<DlmCompletion> waiting = lock(waiter, DlmMode.EX);
		CompletableFuture<DlmCompletion> waited = CompletableFuture.supplyAsync(() -> get(waiting));
		Awaitility.await()
			.atMost(Duration.ofSeconds(TIMEOUT))
			.until(() -> this.lockspace.dispatcher().waitingCallers() == 1);
		fake.fake_hold_callbacks(0);
		Awaitility.await().atMost(Duration.ofSeconds(TIMEOUT)).until(() -> listenerThread.get() != null);
		assertThat(listenerThread.get()).isEqualTo(dispatcherThread);
		await(holder.unlock(null));
		assertThat(await(asynchronous).status()).isEqualTo(DlmStatus.GRANTED);
		assertThat(actionThread.get()).isEqualTo(dispatcherThread);
		await(otherHolder.unlock(null));
		assertThat(waited.get(TIMEOUT, TimeUnit.SECONDS).status()).isEqualTo(DlmStatus.GRANTED);
		await(waiter.unlock(null));
	}

	@Test
	void resultsReadByOneWaiterReachTheOthersAndWaitersThatStopHandOverWithoutAGap() throws Exception {
		// Threads wait in turn for a few hot resources, each with a time limit short enough to
		// run out now and then (then the request is cancelled and its outcome awaited), some
		// are interrupted while waiting; none may be left waiting for a result nobody reads.
		int threads = 8;
		int rounds = 150;
		AtomicInteger[] inside = { new AtomicInteger(), new AtomicInteger(), new AtomicInteger() };
		AtomicInteger overlaps = new AtomicInteger();
		AtomicInteger outcomes = new AtomicInteger();
		AtomicInteger timedOut = new AtomicInteger();
		ExecutorService pool = Executors.newFixedThreadPool(threads);
		try {
			List<Future<?>> workers = new ArrayList<>();
			for (int t = 0; t < threads; t++) {
				workers.add(pool.submit(() -> {
					ThreadLocalRandom random = ThreadLocalRandom.current();
					for (int i = 0; i < rounds; i++) {
						int r = random.nextInt(inside.length);
						DlmLockHandle lock = this.lockspace.newLock(DlmResourceName.of("hot" + r), null);
						CompletableFuture<DlmCompletion> request = lock(lock, DlmMode.EX);
						DlmCompletion outcome;
						try {
							if (random.nextInt(10) == 0) {
								Thread.currentThread().interrupt();
							}
							outcome = request.get(random.nextInt(3), TimeUnit.MILLISECONDS);
						}
						catch (TimeoutException | InterruptedException ex) {
							timedOut.incrementAndGet();
							Thread.interrupted();
							lock.cancel();
							outcome = request.join();
						}
						// a get() that found its result already there leaves the interrupt set
						Thread.interrupted();
						outcomes.incrementAndGet();
						if (outcome.isGranted()) {
							if (inside[r].incrementAndGet() != 1) {
								overlaps.incrementAndGet();
							}
							inside[r].decrementAndGet();
							lock.unlock(null).get(TIMEOUT, TimeUnit.SECONDS);
						}
						else {
							assertThat(outcome.status()).isEqualTo(DlmStatus.CANCELLED);
						}
					}
					return null;
				}));
			}
			for (Future<?> worker : workers) {
				worker.get(TIMEOUT * 3, TimeUnit.SECONDS);
			}
		}
		finally {
			pool.shutdownNow();
		}
		assertThat(overlaps.get()).isZero();
		assertThat(outcomes.get()).isEqualTo(threads * rounds);
		assertThat(timedOut.get()).as("waits that stopped early and handed over").isPositive();
		DlmDispatcher dispatcher = this.lockspace.dispatcher();
		assertThat(dispatcher.completionsByCallers()).isPositive();
		assertThat(dispatcher.waitingCallers()).isZero();
		assertThat(this.lockspace.buffers().allocatedCount()).as("every lent buffer came back")
			.isEqualTo(this.lockspace.buffers().idleCount());
	}

	@Test
	void twoThreadsWaitingForOneRequestBothGetItsOutcome() throws Exception {
		DlmLockHandle holder = this.lockspace.newLock(DlmResourceName.of("t"), null);
		await(holder.request(DlmMode.EX, Set.of(), null));
		DlmLockHandle lock = this.lockspace.newLock(DlmResourceName.of("t"), null);
		CompletableFuture<DlmCompletion> request = lock(lock, DlmMode.EX);
		CompletableFuture<DlmCompletion> first = CompletableFuture.supplyAsync(() -> get(request));
		CompletableFuture<DlmCompletion> second = CompletableFuture.supplyAsync(() -> get(request));
		Awaitility.await()
			.atMost(Duration.ofSeconds(TIMEOUT))
			.until(() -> this.lockspace.dispatcher().waitingCallers() == 1 && request.getNumberOfDependents() == 1);
		await(holder.unlock(null));
		assertThat(first.get(TIMEOUT, TimeUnit.SECONDS).status()).isEqualTo(DlmStatus.GRANTED);
		assertThat(second.get(TIMEOUT, TimeUnit.SECONDS).status()).isEqualTo(DlmStatus.GRANTED);
		await(lock.unlock(null));
	}

	@Test
	void waitingRequestsHoldNoNativeMemory() throws Exception {
		DlmLockHandle holder = this.lockspace.newLock(DlmResourceName.of("w"), null);
		await(holder.request(DlmMode.EX, Set.of(), null));
		int waiters = 200;
		List<DlmLockHandle> locks = new ArrayList<>();
		List<CompletableFuture<DlmCompletion>> waiting = new ArrayList<>();
		ExecutorService threads = Executors.newCachedThreadPool();
		try {
			for (int i = 0; i < waiters; i++) {
				DlmLockHandle lock = this.lockspace.newLock(DlmResourceName.of("w"), null);
				CompletableFuture<DlmCompletion> request = lock(lock, DlmMode.EX);
				locks.add(lock);
				waiting.add(CompletableFuture.supplyAsync(() -> get(request), threads));
			}
			Awaitility.await()
				.atMost(Duration.ofSeconds(TIMEOUT))
				.until(() -> this.lockspace.dispatcher().waitingCallers() == waiters);
			// one buffer lent to the waiter that reads, none per waiting request
			assertThat(this.lockspace.buffers().allocatedCount()).isLessThanOrEqualTo(2);
			await(holder.unlock(null));
			for (int i = 0; i < waiters; i++) {
				assertThat(waiting.get(i).get(TIMEOUT, TimeUnit.SECONDS).status()).isEqualTo(DlmStatus.GRANTED);
				await(locks.get(i).unlock(null));
			}
		}
		finally {
			threads.shutdownNow();
		}
		assertThat(this.lockspace.buffers().allocatedCount()).isLessThanOrEqualTo(NativeLockspace.KEPT_REQUEST_BUFFERS);
	}

	private static CompletableFuture<DlmCompletion> lock(DlmLockHandle lock, DlmMode mode) {
		return lock.request(mode, Set.of(), null);
	}

	private static DlmCompletion get(CompletableFuture<DlmCompletion> future) {
		try {
			return future.get(TIMEOUT, TimeUnit.SECONDS);
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

}
