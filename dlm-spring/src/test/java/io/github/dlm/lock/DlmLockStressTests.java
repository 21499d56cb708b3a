package io.github.dlm.lock;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.github.dlm.core.DlmDeadlockException;
import io.github.dlm.core.DlmLockspace;
import io.github.dlm.core.DlmMode;
import io.github.dlm.core.LockspaceOptions;
import io.github.dlm.local.LocalDlmClient;
import io.github.dlm.local.LocalLockInfo;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Many threads, keys and modes against one registry, with short timed waits and
 * interrupts fired at random, publishing value blocks now and then while lock objects are
 * expired all the time: no two incompatible modes are ever held at once, and when it is
 * over the lock manager holds only the NL locks that retain published values, and nothing
 * once the lock objects expire (no cancel/grant race leaked a lock, no expiry race leaked
 * or lost track of a value block anchor).
 */
class DlmLockStressTests {

	private static final String LOCKSPACE = "stress";

	private static final int KEYS = 4;

	private static final int ROUNDS = Integer.getInteger("dlm.stress.rounds", 300);

	private static final DlmMode[] MODES = { DlmMode.CR, DlmMode.PR, DlmMode.PW, DlmMode.EX };

	private LocalDlmClient client;

	private DlmLockRegistry registry;

	private final AtomicIntegerArray holders = new AtomicIntegerArray(KEYS * DlmMode.values().length);

	private final ConcurrentLinkedQueue<String> violations = new ConcurrentLinkedQueue<>();

	private final ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();

	private final Map<String, LongAdder> outcomes = new ConcurrentHashMap<>();

	@BeforeEach
	void setUp() {
		this.client = new LocalDlmClient();
		this.registry = new DlmLockRegistry(openLockspace(this.client, LOCKSPACE));
	}

	/**
	 * Opens the lockspace the registry runs on.
	 * @param client the local engine
	 * @param name the lockspace name
	 * @return the lockspace
	 */
	DlmLockspace openLockspace(LocalDlmClient client, String name) {
		return client.openLockspace(name, LockspaceOptions.DEFAULTS);
	}

	/**
	 * The locks the registry's lockspace has in the lock manager.
	 * @param client the local engine
	 * @param name the lockspace name
	 * @return the locks
	 */
	List<LocalLockInfo> locksLeft(LocalDlmClient client, String name) {
		return client.dump(name);
	}

	@AfterEach
	void tearDown() {
		this.client.close();
	}

	@Test
	void platformThreadsNeverHoldIncompatibleModesAndLeakNothing() throws Exception {
		run(12, null);
	}

	@Test
	void platformAndVirtualThreadsNeverHoldIncompatibleModesAndLeakNothing() throws Exception {
		Object virtualBuilder = virtualThreadBuilder();
		Assumptions.assumeTrue(virtualBuilder != null,
				"virtual threads need Java 21+; this runtime is " + Runtime.version());
		run(12, virtualBuilder);
	}

	private void run(int platformThreads, @Nullable Object virtualBuilder) throws Exception {
		List<Thread> workers = new ArrayList<>();
		CountDownLatch start = new CountDownLatch(1);
		for (int i = 0; i < platformThreads; i++) {
			workers.add(new Thread(() -> work(start), "stress-" + i));
		}
		if (virtualBuilder != null) {
			for (int i = 0; i < platformThreads * 4; i++) {
				workers.add(unstartedVirtual(virtualBuilder, () -> work(start)));
			}
		}
		workers.forEach(Thread::start);
		AtomicBoolean running = new AtomicBoolean(true);
		Thread interrupter = new Thread(() -> {
			ThreadLocalRandom random = ThreadLocalRandom.current();
			while (running.get()) {
				workers.get(random.nextInt(workers.size())).interrupt();
				count("interrupts sent");
				LockSupport.parkNanos(random.nextLong(50_000, 500_000));
			}
		}, "stress-interrupter");
		// expiry races with publications: an anchor must be neither leaked nor lost track of
		Thread expirer = new Thread(() -> {
			ThreadLocalRandom random = ThreadLocalRandom.current();
			while (running.get()) {
				this.registry.expireUnusedOlderThan(0);
				count("expiry sweeps");
				LockSupport.parkNanos(random.nextLong(100_000, 1_000_000));
			}
		}, "stress-expirer");
		interrupter.start();
		expirer.start();
		start.countDown();
		for (Thread worker : workers) {
			worker.join(TimeUnit.MINUTES.toMillis(2));
			assertThat(worker.isAlive()).as("%s finished", worker).isFalse();
		}
		running.set(false);
		interrupter.join();
		expirer.join();
		System.out.println("DlmLockStressTests (" + workers.size() + " threads): " + new TreeMap<>(this.outcomes));
		assertThat(this.failures).isEmpty();
		assertThat(this.violations).isEmpty();
		for (int key = 0; key < KEYS; key++) {
			for (DlmMode mode : MODES) {
				assertThat(this.registry.obtain("key-" + key, mode).isLocked()).isFalse();
			}
		}
		assertThat(locksLeft(this.client, LOCKSPACE)).as("locks left in the lock manager: only value block anchors")
			.hasSizeLessThanOrEqualTo(KEYS * MODES.length)
			.allSatisfy((info) -> {
				assertThat(info.grantedMode()).isEqualTo(DlmMode.NL);
				assertThat(info.queue()).isEqualTo(LocalLockInfo.Queue.GRANTED);
			});
		this.registry.expireUnusedOlderThan(0);
		assertThat(locksLeft(this.client, LOCKSPACE)).as("locks left in the lock manager").isEmpty();
		assertThat(sum("acquired")).isPositive();
		assertThat(sum("published")).isPositive();
		assertThat(sum("timed out") + sum("not granted")).isPositive();
	}

	private void work(CountDownLatch start) {
		try {
			start.await();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		ThreadLocalRandom random = ThreadLocalRandom.current();
		for (int round = 0; round < ROUNDS; round++) {
			int key = random.nextInt(KEYS);
			DlmMode mode = MODES[random.nextInt(MODES.length)];
			DlmLock lock = this.registry.obtain("key-" + key, mode);
			try {
				if (acquire(lock, random)) {
					count("acquired");
					try {
						hold(key, lock, random);
					}
					finally {
						lock.unlock();
					}
				}
			}
			catch (InterruptedException ex) {
				count("interrupted");
			}
			catch (Throwable ex) {
				this.failures.add(ex);
			}
			Thread.interrupted();
		}
	}

	private boolean acquire(DlmLock lock, ThreadLocalRandom random) throws InterruptedException {
		switch (random.nextInt(4)) {
			case 0 -> {
				lock.lock();
				return true;
			}
			case 1 -> {
				lock.lockInterruptibly();
				return true;
			}
			case 2 -> {
				boolean acquired = lock.tryLock();
				if (!acquired) {
					count("not granted");
				}
				return acquired;
			}
			default -> {
				boolean acquired = lock.tryLock(random.nextLong(0, 3_000_000), TimeUnit.NANOSECONDS);
				if (!acquired) {
					count("timed out");
				}
				return acquired;
			}
		}
	}

	private void hold(int key, DlmLock lock, ThreadLocalRandom random) throws InterruptedException {
		DlmMode held = lock.mode();
		enter(key, held);
		try {
			if (random.nextInt(8) == 0) {
				assertThat(lock.tryLock()).as("reentrant").isTrue();
				lock.unlock();
			}
			if (random.nextInt(4) == 0) {
				held = convert(key, lock, held, random);
			}
			if (held.writesValueBlock() && random.nextInt(4) == 0) {
				lock.setValueBlock(new byte[32]);
				count("published");
			}
			LockSupport.parkNanos(random.nextLong(0, 200_000));
		}
		finally {
			leave(key, held);
		}
	}

	/**
	 * Converts and moves this holder's mark: a down-conversion moves it before, an
	 * up-conversion after the conversion, so a mark never claims a stronger mode than the
	 * thread holds (which could report a violation that did not happen).
	 */
	private DlmMode convert(int key, DlmLock lock, DlmMode held, ThreadLocalRandom random) throws InterruptedException {
		DlmMode target = MODES[random.nextInt(MODES.length)];
		if (target == held) {
			return held;
		}
		boolean down = target.ordinal() < held.ordinal();
		if (down) {
			leave(key, held);
			enter(key, target);
			lock.convert(target);
			count("converted down");
			return target;
		}
		boolean converted;
		try {
			converted = lock.tryConvert(target, random.nextLong(0, 2_000_000), TimeUnit.NANOSECONDS);
		}
		catch (DlmDeadlockException ex) {
			count("conversion deadlocks");
			converted = false;
		}
		if (!converted) {
			count("conversion not granted");
			assertThat(lock.getHeldMode()).isEqualTo(held);
			return held;
		}
		assertThat(lock.getHeldMode()).isEqualTo(target);
		leave(key, held);
		enter(key, target);
		count("converted up");
		return target;
	}

	private void enter(int key, DlmMode mode) {
		this.holders.incrementAndGet(key * DlmMode.values().length + mode.ordinal());
		for (DlmMode other : DlmMode.values()) {
			int count = this.holders.get(key * DlmMode.values().length + other.ordinal()) - ((other == mode) ? 1 : 0);
			if (count > 0 && !mode.isCompatibleWith(other)) {
				this.violations.add("key-" + key + ": " + mode + " held together with " + count + " x " + other);
			}
		}
	}

	private void leave(int key, DlmMode mode) {
		this.holders.decrementAndGet(key * DlmMode.values().length + mode.ordinal());
	}

	private long sum(String outcome) {
		LongAdder adder = this.outcomes.get(outcome);
		return (adder != null) ? adder.sum() : 0;
	}

	private void count(String outcome) {
		this.outcomes.computeIfAbsent(outcome, (name) -> new LongAdder()).increment();
	}

	private static @Nullable Object virtualThreadBuilder() {
		try {
			return Thread.class.getMethod("ofVirtual").invoke(null);
		}
		catch (ReflectiveOperationException ex) {
			return null;
		}
	}

	private static Thread unstartedVirtual(Object builder, Runnable task) {
		try {
			Method unstarted = Class.forName("java.lang.Thread$Builder").getMethod("unstarted", Runnable.class);
			return (Thread) unstarted.invoke(builder, task);
		}
		catch (ReflectiveOperationException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
