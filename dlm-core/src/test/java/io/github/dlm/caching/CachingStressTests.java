package io.github.dlm.caching;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

import io.github.dlm.core.DlmCompletion;
import io.github.dlm.core.DlmException;
import io.github.dlm.core.DlmFlag;
import io.github.dlm.core.DlmLockHandle;
import io.github.dlm.core.DlmMode;
import io.github.dlm.core.DlmRequest;
import io.github.dlm.core.DlmResourceName;
import io.github.dlm.core.LockspaceOptions;
import io.github.dlm.local.LocalDlmClient;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Three nodes (caching lockspaces over one local-engine lockspace), several threads each,
 * few keys, all modes, timed waits that cancel, NOQUEUE, conversions and interrupts racing
 * with node-lock grants, blocking callbacks and a short idle release. Checks that no two
 * incompatible modes are ever held at once across nodes and that nothing is left behind:
 * no node lock after the idle release, no lock at all after close.
 */
class CachingStressTests {

	private static final int NODES = 3;

	private static final int THREADS_PER_NODE = 3;

	private static final int KEYS = 3;

	private static final long RUN_MILLIS = 1500;

	private static final DlmMode[] MODES = { DlmMode.NL, DlmMode.CR, DlmMode.PR, DlmMode.PW, DlmMode.EX };

	/** Modes held now, per key: a subset of what is really held (added after grant, removed before unlock). */
	private final Map<Integer, List<DlmMode>> held = new ConcurrentHashMap<>();

	private final List<String> violations = new CopyOnWriteArrayList<>();

	private final LongAdder grants = new LongAdder();

	@ParameterizedTest(name = "seed {0}")
	@ValueSource(longs = { 1, 2, 3, 4, 5, 6 })
	void neverGrantsIncompatibleModesAcrossNodesAndLeavesNothingBehind(long seed) throws Exception {
		LocalDlmClient kernel = new LocalDlmClient("stress-kernel-");
		CachingDlmClient client = new CachingDlmClient(kernel, Duration.ofMillis(20));
		List<CachingLockspace> nodes = new ArrayList<>();
		for (int i = 0; i < NODES; i++) {
			nodes.add(client.openLockspace("stress", LockspaceOptions.DEFAULTS));
		}
		for (int key = 0; key < KEYS; key++) {
			this.held.put(key, new ArrayList<>());
		}
		List<Thread> workers = new ArrayList<>();
		long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(RUN_MILLIS);
		for (int i = 0; i < NODES * THREADS_PER_NODE; i++) {
			CachingLockspace node = nodes.get(i % NODES);
			Random random = new Random(seed * 1000 + i);
			workers.add(new Thread(() -> work(node, random, deadline), "stress-" + i));
		}
		workers.forEach(Thread::start);
		Random interrupter = new Random(seed);
		while (System.nanoTime() < deadline) {
			Thread.sleep(5);
			workers.get(interrupter.nextInt(workers.size())).interrupt();
		}
		for (Thread worker : workers) {
			worker.join(TimeUnit.SECONDS.toMillis(60));
			if (worker.isAlive()) {
				for (StackTraceElement e : worker.getStackTrace()) {
					System.out.println("STUCK " + worker.getName() + " " + e);
				}
				System.out.println("KERNEL " + kernel.dump("stress"));
				for (CachingLockspace n : nodes) {
					System.out.println("NODE " + n.cachedLocks() + " LOCAL " + n.localLocks());
				}
			}
			assertThat(worker.isAlive()).as("%s still running", worker.getName()).isFalse();
		}
		assertThat(this.violations).isEmpty();
		assertThat(this.grants.sum()).isPositive();
		try {
			await().atMost(Duration.ofSeconds(30)).until(() -> kernel.dump("stress").isEmpty());
		}
		catch (Throwable ex) {
			System.out.println("KERNEL " + kernel.dump("stress"));
			for (CachingLockspace node : nodes) {
				System.out.println("NODE " + node.cachedLocks() + " LOCAL " + node.localLocks());
			}
			throw ex;
		}
		for (CachingLockspace node : nodes) {
			assertThat(node.localLocks()).isEmpty();
		}
		client.close();
	}

	private void work(CachingLockspace node, Random random, long deadline) {
		while (System.nanoTime() < deadline) {
			int key = random.nextInt(KEYS);
			DlmLockHandle lock = node.newLock(DlmResourceName.of("k" + key), null);
			DlmMode recorded = null;
			try {
				DlmCompletion granted = acquire(lock, MODES[random.nextInt(MODES.length)], random, false);
				if (granted == null) {
					continue;
				}
				recorded = granted.grantedMode();
				record(key, recorded);
				DlmMode to = MODES[random.nextInt(MODES.length)];
				if (random.nextInt(3) == 0 && to.covers(recorded)) {
					DlmCompletion converted = acquire(lock, to, random, true);
					if (converted != null) {
						forget(key, recorded);
						recorded = converted.grantedMode();
						record(key, recorded);
					}
				}
			}
			catch (InterruptedException | DlmException ex) {
				// cancelled, or a conversion deadlock across nodes: a granted lock keeps its mode
			}
			finally {
				if (recorded != null) {
					forget(key, recorded);
				}
				if (lock.grantedMode() != null && !lock.isEnded()) {
					DlmRequest.unlock(lock, null);
				}
				Thread.interrupted();
			}
		}
	}

	private DlmCompletion acquire(DlmLockHandle lock, DlmMode mode, Random random, boolean conversion)
			throws InterruptedException {
		int kind = random.nextInt(4);
		Set<DlmFlag> flags = (kind == 0) ? EnumSet.of(DlmFlag.NOQUEUE) : Set.of();
		DlmRequest request = conversion ? DlmRequest.convert(lock, mode, flags, null)
				: DlmRequest.lock(lock, mode, flags);
		long timeout = switch (kind) {
			case 0 -> 0;
			case 1 -> TimeUnit.MICROSECONDS.toNanos(random.nextInt(2000));
			default -> TimeUnit.MILLISECONDS.toNanos(200);
		};
		DlmCompletion completion = request.await(timeout, true);
		if (completion != null) {
			this.grants.increment();
		}
		return completion;
	}

	private void record(int key, DlmMode mode) {
		List<DlmMode> modes = this.held.get(key);
		synchronized (modes) {
			for (DlmMode other : modes) {
				if (!other.isCompatibleWith(mode)) {
					this.violations.add(mode + " granted on k" + key + " while " + modes + " held");
				}
			}
			modes.add(mode);
		}
	}

	private void forget(int key, DlmMode mode) {
		List<DlmMode> modes = this.held.get(key);
		synchronized (modes) {
			modes.remove(mode);
		}
	}

}
