package io.github.dlm.local;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

import io.github.dlm.core.DlmCompletion;
import io.github.dlm.core.DlmFlag;
import io.github.dlm.core.DlmLockHandle;
import io.github.dlm.core.DlmMode;
import io.github.dlm.core.DlmResourceName;
import io.github.dlm.core.DlmStatus;
import io.github.dlm.core.LockspaceOptions;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Many threads, few keys, every mode and a random mix of requests, conversions, NOQUEUE,
 * ALT modes, CONVDEADLK, QUECVT, timed waits that cancel, interrupts and unlocks. Checks
 * that two incompatible modes are never granted together on one resource, that every
 * request ends (granted, refused or cancelled: no lost wake-up), and that nothing is left
 * in the engine afterwards.
 */
class LocalEngineStressTests {

	private static final int WORKERS = 8;

	private static final int HANDLES = 4;

	private static final int KEYS = 4;

	/** How long the workers run at least. */
	private static final long RUN_MILLIS = 3000;

	/**
	 * How much longer they may run if some outcome has not been seen yet (a very slow or
	 * loaded machine): the test asserts that every kind of outcome was exercised, so it runs
	 * until they were rather than for a fixed time only.
	 */
	private static final long EXTRA_MILLIS = 60_000;

	private static final int CLOSE_ROUNDS = Integer.getInteger("dlm.stress.closeRounds", 30);

	/** Generous: a completion that takes this long after a cancel was lost. */
	private static final long LOST_AFTER_SECONDS = 20;

	private static final DlmMode[] MODES = DlmMode.values();

	private final Queue<String> failures = new ConcurrentLinkedQueue<>();

	private final Map<DlmStatus, LongAdder> outcomes = new EnumMap<>(DlmStatus.class);

	private final LongAdder timedOut = new LongAdder();

	private final LongAdder interrupted = new LongAdder();

	private final AtomicLong snapshots = new AtomicLong();

	@Test
	void neverGrantsIncompatibleModesNeverLosesAWakeUpAndLeavesNothingBehind() throws Exception {
		for (DlmStatus status : DlmStatus.values()) {
			this.outcomes.put(status, new LongAdder());
		}
		try (LocalDlmClient client = new LocalDlmClient("stress-dlm-")) {
			List<LocalLockspace> handles = new ArrayList<>();
			for (int i = 0; i < HANDLES; i++) {
				handles.add(client.openLockspace("stress", LockspaceOptions.DEFAULTS));
			}
			AtomicBoolean running = new AtomicBoolean(true);
			long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(RUN_MILLIS);
			long giveUp = deadline + TimeUnit.MILLISECONDS.toNanos(EXTRA_MILLIS);
			List<Thread> workers = new ArrayList<>();
			for (int i = 0; i < WORKERS; i++) {
				workers.add(new Thread(() -> work(handles, deadline, giveUp), "stress-worker-" + i));
			}
			Thread checker = new Thread(() -> checkInvariant(client, running), "stress-checker");
			Thread interrupter = new Thread(() -> interrupt(workers, running), "stress-interrupter");
			checker.start();
			workers.forEach(Thread::start);
			interrupter.start();
			for (Thread worker : workers) {
				worker.join(RUN_MILLIS + EXTRA_MILLIS + TimeUnit.SECONDS.toMillis(2 * LOST_AFTER_SECONDS));
				assertThat(worker.isAlive()).as("%s is stuck", worker.getName()).isFalse();
			}
			running.set(false);
			interrupter.join();
			checker.join();
			System.out.println("DLM local stress: " + this.outcomes + ", timed out " + this.timedOut + ", interrupted "
					+ this.interrupted + ", invariant snapshots " + this.snapshots);
			assertThat(this.failures).isEmpty();
			assertThat(client.dump("stress")).as("locks left in the engine").isEmpty();
			assertThat(this.snapshots.get()).isPositive();
			assertThat(this.outcomes.get(DlmStatus.GRANTED).sum()).isPositive();
			assertThat(this.outcomes.get(DlmStatus.NOT_GRANTED).sum()).isPositive();
			assertThat(this.outcomes.get(DlmStatus.CANCELLED).sum()).isPositive();
			assertThat(this.outcomes.get(DlmStatus.UNLOCKED).sum()).isPositive();
			assertThat(this.timedOut.sum()).isPositive();
		}
	}

	@Test
	void closingAHandleWhileItsLocksComeAndGoLosesNoCompletionAndLeavesNothing() throws Exception {
		for (DlmStatus status : DlmStatus.values()) {
			this.outcomes.put(status, new LongAdder());
		}
		try (LocalDlmClient client = new LocalDlmClient("stress-close-")) {
			LocalLockspace keeper = client.openLockspace("close-race", LockspaceOptions.DEFAULTS);
			for (int round = 0; round < CLOSE_ROUNDS; round++) {
				LocalLockspace closing = client.openLockspace("close-race", LockspaceOptions.DEFAULTS);
				Queue<CompletableFuture<DlmCompletion>> futures = new ConcurrentLinkedQueue<>();
				AtomicLong operations = new AtomicLong();
				AtomicBoolean stop = new AtomicBoolean();
				List<Thread> threads = new ArrayList<>();
				for (int i = 0; i < 3; i++) {
					threads.add(new Thread(() -> lockUntilClosed(closing, futures, operations, stop),
							"close-race-worker-" + i));
				}
				threads.add(new Thread(() -> lockUntilClosed(keeper, futures, operations, stop), "close-race-keeper"));
				threads.forEach(Thread::start);
				long closeAfter = 20 + ThreadLocalRandom.current().nextInt(200);
				long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(LOST_AFTER_SECONDS);
				while (operations.get() < closeAfter && System.nanoTime() < giveUp && this.failures.isEmpty()) {
					Thread.onSpinWait();
				}
				closing.close();
				stop.set(true);
				for (Thread thread : threads) {
					thread.join(TimeUnit.SECONDS.toMillis(2 * LOST_AFTER_SECONDS));
					assertThat(thread.isAlive()).as("%s is stuck", thread.getName()).isFalse();
				}
				for (CompletableFuture<DlmCompletion> future : futures) {
					// every operation started, before or after the close, gets its completion
					count(future.get(LOST_AFTER_SECONDS, TimeUnit.SECONDS));
				}
				assertThat(this.failures).isEmpty();
				assertThat(client.dump("close-race")).as("locks left after round %s", round).isEmpty();
			}
			System.out.println("DLM local close race: " + this.outcomes);
			assertThat(this.outcomes.get(DlmStatus.GRANTED).sum()).isPositive();
			assertThat(this.outcomes.get(DlmStatus.UNLOCKED).sum()).isPositive();
		}
	}

	/**
	 * Takes and releases locks on two keys through one handle until told to stop or the
	 * handle is closed under it; every future obtained goes into {@code futures}.
	 */
	private void lockUntilClosed(LocalLockspace ls, Queue<CompletableFuture<DlmCompletion>> futures,
			AtomicLong operations, AtomicBoolean stop) {
		ThreadLocalRandom random = ThreadLocalRandom.current();
		try {
			while (!stop.get()) {
				DlmLockHandle lock = ls.newLock(DlmResourceName.of("key-" + random.nextInt(2)),
						(blocking) -> {
						});
				DlmMode mode = random.nextBoolean() ? DlmMode.EX : DlmMode.PR;
				CompletableFuture<DlmCompletion> request = lock.request(mode,
						random.nextInt(4) == 0 ? EnumSet.of(DlmFlag.NOQUEUE) : Set.of(), null);
				futures.add(request);
				operations.incrementAndGet();
				DlmCompletion completion = request.get(LOST_AFTER_SECONDS, TimeUnit.SECONDS);
				if (completion.status() == DlmStatus.GRANTED) {
					CompletableFuture<DlmCompletion> unlock = lock.unlock(null);
					futures.add(unlock);
					unlock.get(LOST_AFTER_SECONDS, TimeUnit.SECONDS);
				}
				operations.incrementAndGet();
			}
		}
		catch (IllegalStateException ex) {
			// the handle was closed under this thread (or its lock ended with it): expected
			if (!ls.closed) {
				this.failures.add(Thread.currentThread().getName() + ": " + ex);
			}
		}
		catch (Throwable ex) {
			this.failures.add(Thread.currentThread().getName() + ": " + ex);
		}
	}

	private void work(List<LocalLockspace> handles, long deadline, long giveUp) {
		ThreadLocalRandom random = ThreadLocalRandom.current();
		try {
			while ((System.nanoTime() < deadline || !everyOutcomeSeen()) && System.nanoTime() < giveUp
					&& this.failures.isEmpty()) {
				LocalLockspace ls = handles.get(random.nextInt(handles.size()));
				DlmResourceName key = DlmResourceName.of("key-" + random.nextInt(KEYS));
				DlmLockHandle lock = ls.newLock(key, (blocking) -> {
				});
				DlmMode mode = MODES[random.nextInt(MODES.length)];
				DlmCompletion first = awaitOrCancel(lock, lock.request(mode, newRequestFlags(mode, random), null));
				if (first.status() != DlmStatus.GRANTED) {
					check(lock.isEnded(), "a refused or cancelled new request must end the lock: " + first);
					continue;
				}
				int conversions = random.nextInt(4);
				for (int i = 0; i < conversions; i++) {
					DlmMode granted = lock.grantedMode();
					DlmMode target = MODES[random.nextInt(MODES.length)];
					DlmCompletion converted = awaitOrCancel(lock,
							lock.request(target, conversionFlags(granted, target, random), null));
					check(!lock.isEnded(), "a conversion must never end the lock: " + converted);
					check(converted.grantedMode() != null, "a conversion keeps a granted mode: " + converted);
				}
				DlmCompletion unlocked = awaitUninterruptibly(lock, lock.unlock(null));
				check(unlocked.status() == DlmStatus.UNLOCKED, "unlock completed with " + unlocked);
			}
		}
		catch (Throwable ex) {
			this.failures.add(Thread.currentThread().getName() + ": " + ex);
		}
	}

	/** Whether the run has exercised everything the test asserts it exercised. */
	private boolean everyOutcomeSeen() {
		return this.snapshots.get() > 0 && this.timedOut.sum() > 0
				&& this.outcomes.get(DlmStatus.GRANTED).sum() > 0 && this.outcomes.get(DlmStatus.NOT_GRANTED).sum() > 0
				&& this.outcomes.get(DlmStatus.CANCELLED).sum() > 0 && this.outcomes.get(DlmStatus.UNLOCKED).sum() > 0;
	}

	/**
	 * Waits a random short time; on timeout or interrupt cancels and waits for whatever
	 * wins the race. A grant that wins is kept: the caller goes on to convert or unlock.
	 */
	private DlmCompletion awaitOrCancel(DlmLockHandle lock, CompletableFuture<DlmCompletion> future)
			throws ExecutionException {
		try {
			DlmCompletion completion = future.get(ThreadLocalRandom.current().nextInt(3), TimeUnit.MILLISECONDS);
			count(completion);
			return completion;
		}
		catch (TimeoutException ex) {
			this.timedOut.increment();
		}
		catch (InterruptedException ex) {
			this.interrupted.increment();
		}
		lock.cancel();
		return awaitUninterruptibly(lock, future);
	}

	private DlmCompletion awaitUninterruptibly(DlmLockHandle lock, CompletableFuture<DlmCompletion> future)
			throws ExecutionException {
		long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(LOST_AFTER_SECONDS);
		while (true) {
			try {
				DlmCompletion completion = future.get(Math.max(1, giveUp - System.nanoTime()), TimeUnit.NANOSECONDS);
				count(completion);
				return completion;
			}
			catch (InterruptedException ex) {
				this.interrupted.increment();
			}
			catch (TimeoutException ex) {
				throw new IllegalStateException("lost wake-up: no completion within " + LOST_AFTER_SECONDS
						+ "s for " + lock + "; dump: " + ((LocalLockspace) lock.lockspace()).engine().dump());
			}
		}
	}

	private static Set<DlmFlag> newRequestFlags(DlmMode mode, ThreadLocalRandom random) {
		Set<DlmFlag> flags = EnumSet.noneOf(DlmFlag.class);
		switch (random.nextInt(8)) {
			case 0 -> flags.add(DlmFlag.NOQUEUE);
			case 1 -> flags.add(DlmFlag.ALTPR);
			case 2 -> flags.add(DlmFlag.ALTCW);
			case 3 -> flags.add(DlmFlag.NOORDER);
			case 4 -> flags.add(DlmFlag.HEADQUE);
			case 5 -> {
				if (mode == DlmMode.NL) {
					flags.add(DlmFlag.EXPEDITE);
				}
			}
			default -> {
			}
		}
		if (random.nextBoolean()) {
			flags.add(DlmFlag.VALBLK);
		}
		return flags;
	}

	private static Set<DlmFlag> conversionFlags(DlmMode granted, DlmMode target, ThreadLocalRandom random) {
		Set<DlmFlag> flags = EnumSet.noneOf(DlmFlag.class);
		switch (random.nextInt(7)) {
			case 0 -> flags.add(DlmFlag.NOQUEUE);
			case 1 -> flags.add(DlmFlag.CONVDEADLK);
			case 2 -> {
				if (target.nativeValue() > granted.nativeValue() && !(granted == DlmMode.PR && target == DlmMode.CW)
						&& !(granted == DlmMode.CW && target == DlmMode.PR)) {
					flags.add(DlmFlag.QUECVT);
				}
			}
			case 3 -> flags.add(DlmFlag.ALTPR);
			case 4 -> flags.add(DlmFlag.HEADQUE);
			default -> {
			}
		}
		if (random.nextBoolean()) {
			flags.add(DlmFlag.VALBLK);
		}
		return flags;
	}

	/** Snapshots the engine (under its lock) as often as it can and checks every resource. */
	private void checkInvariant(LocalDlmClient client, AtomicBoolean running) {
		while (running.get()) {
			List<LocalLockInfo> dump = client.dump("stress");
			this.snapshots.incrementAndGet();
			for (int i = 0; i < dump.size(); i++) {
				for (int j = i + 1; j < dump.size(); j++) {
					LocalLockInfo a = dump.get(i);
					LocalLockInfo b = dump.get(j);
					if (a.resource().equals(b.resource()) && a.grantedMode() != null && b.grantedMode() != null
							&& !a.grantedMode().isCompatibleWith(b.grantedMode())) {
						this.failures.add("incompatible modes granted together: " + a + " and " + b);
					}
				}
			}
		}
	}

	private void interrupt(List<Thread> workers, AtomicBoolean running) {
		ThreadLocalRandom random = ThreadLocalRandom.current();
		while (running.get()) {
			workers.get(random.nextInt(workers.size())).interrupt();
			try {
				Thread.sleep(1);
			}
			catch (InterruptedException ex) {
				return;
			}
		}
	}

	private void count(DlmCompletion completion) {
		this.outcomes.get(completion.status()).increment();
	}

	private void check(boolean condition, String message) {
		if (!condition) {
			this.failures.add(Thread.currentThread().getName() + ": " + message);
		}
	}

}
