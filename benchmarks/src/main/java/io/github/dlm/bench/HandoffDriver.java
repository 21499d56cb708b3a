package io.github.dlm.bench;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import io.github.dlm.core.DlmClient;
import io.github.dlm.core.DlmMode;
import io.github.dlm.core.LockspaceOptions;
import io.github.dlm.lock.DlmLock;
import io.github.dlm.lock.DlmLockRegistries;
import io.github.dlm.lock.DlmLockRegistry;

/**
 * Cross-node handoff: one EX lock ping-ponged between two nodes through the starter's
 * {@link DlmLockRegistry}. Each side holds the lock until its blocking callback says the
 * other side waits, then releases it and asks again at once, so every grant is a handoff
 * from the other node. The lock value block carries (big-endian) a counter of published
 * turns at 0, the id of the last holder at 8, and the turns published by node 1 and node 2
 * at 16 and 24: a grant whose last holder was the other side counts as a handoff. Every
 * grant checks exclusion: this node's slot must equal the turns this node published (a
 * write lost to another holder that read the block before it landed shows here), the
 * counter must equal the sum of the slots and never go backwards; otherwise
 * {@code lvb_ok=false}. The C anchor ({@code benchmarks/c/dlm_handoff.c}) does the same.
 * <p>
 * Run one instance per node (native backend, same lockspace and resource), started together
 * through a go-file on a shared directory; each prints one line
 * {@code handoff node=N handoffs=H grants=G seconds=S handoffs_per_s=R lvb_ok=true lvb_invalid=0}; the sum of
 * both nodes' handoffs over the window is the figure. {@code --pair} runs both sides as two
 * threads of this JVM (local backend: a check that the driver works anywhere).
 *
 * <pre>
 * java -cp ... io.github.dlm.bench.HandoffDriver --backend native --node 1 --seconds 20 --warmup 5 --ready /mnt/host/ready1 --go /mnt/host/go
 * java -cp ... io.github.dlm.bench.HandoffDriver --backend local --pair --seconds 3 --warmup 1
 * </pre>
 */
public final class HandoffDriver {

	private static final long GRACE_NANOS = TimeUnit.SECONDS.toNanos(30);

	private static final Map<Thread, Semaphore> WAKEUPS = new ConcurrentHashMap<>();

	private final DlmLockRegistry registry;

	private final String resource;

	private final int node;

	private HandoffDriver(DlmLockRegistry registry, String resource, int node) {
		this.registry = registry;
		this.resource = resource;
		this.node = node;
	}

	/**
	 * Runs the driver; see the class comment for the options.
	 * @param args the options
	 * @throws Exception on failure (exit status 1)
	 */
	public static void main(String[] args) throws Exception {
		DriverOptions options = DriverOptions.parse(args, Set.of("pair"));
		String resource = options.get("resource", "handoff");
		double seconds = options.doubleValue("seconds", 20);
		double warmup = options.doubleValue("warmup", 5);
		boolean pair = options.has("pair");
		try (DlmClient client = options.client();
				DlmLockRegistries registries = new DlmLockRegistries(client, options.lockspace(),
						new LockspaceOptions(true, 0600, false), DlmMode.EX)) {
			DlmLockRegistry registry = registries.registry();
			if (pair) {
				runPair(registry, resource, seconds, warmup);
			}
			else {
				int node = Integer.parseInt(options.required("node", " (or use --pair)"));
				if (node < 1 || node > 2) {
					throw new IllegalArgumentException("--node must be 1 or 2 (the value block has one slot per node), got " + node);
				}
				// Lockspace joined and lock object made: the host may start the clock.
				registry.obtain(resource);
				options.signalReadyAndAwaitGo();
				Result result = new HandoffDriver(registry, resource, node).run(seconds, warmup);
				System.out.println(result);
				if (!result.lvbOk) {
					System.exit(1);
				}
			}
		}
	}

	private static void runPair(DlmLockRegistry registry, String resource, double seconds, double warmup)
			throws InterruptedException {
		List<Result> results = new ArrayList<>();
		List<Thread> threads = new ArrayList<>();
		List<Throwable> failures = new ArrayList<>();
		for (int node = 1; node <= 2; node++) {
			HandoffDriver driver = new HandoffDriver(registry, resource, node);
			Thread thread = new Thread(() -> {
				try {
					Result result = driver.run(seconds, warmup);
					synchronized (results) {
						results.add(result);
					}
				}
				catch (Throwable ex) {
					synchronized (failures) {
						failures.add(ex);
					}
				}
			}, "handoff-node-" + node);
			threads.add(thread);
			thread.start();
		}
		for (Thread thread : threads) {
			thread.join();
		}
		if (!failures.isEmpty()) {
			throw new IllegalStateException("handoff side failed", failures.get(0));
		}
		long handoffs = 0;
		double window = seconds;
		boolean ok = true;
		for (Result result : results) {
			System.out.println(result);
			handoffs += result.handoffs;
			ok &= result.lvbOk;
		}
		System.out.printf(Locale.ROOT, "handoff total handoffs=%d seconds=%.3f handoffs_per_s=%.1f lvb_ok=%b%n",
				handoffs, window, handoffs / window, ok);
		if (!ok) {
			System.exit(1);
		}
	}

	private Result run(double seconds, double warmup) throws InterruptedException {
		Semaphore blocking = new Semaphore(0);
		// In --pair mode both sides share one lock object (holds are per thread), so the
		// listener routes each callback to the side whose thread holds the lock.
		WAKEUPS.put(Thread.currentThread(), blocking);
		DlmLock lock = this.registry.obtain(this.resource);
		lock.setBlockingListener(HandoffDriver::blocking);
		long start = System.nanoTime();
		long windowStart = start + (long) (warmup * 1e9);
		long end = windowStart + (long) (seconds * 1e9);
		long handoffs = 0;
		long grants = 0;
		long published = 0;
		long lastCounter = 0;
		long invalid = 0;
		boolean lvbOk = true;
		int me = this.node - 1;
		while (true) {
			long now = System.nanoTime();
			if (now >= end) {
				break;
			}
			if (!lock.tryLock(end - now + GRACE_NANOS, TimeUnit.NANOSECONDS)) {
				throw new IllegalStateException("node " + this.node + ": no grant for " + this.resource
						+ " within the window plus 30 s: is the other node running?");
			}
			try {
				long granted = System.nanoTime();
				ByteBuffer lvb = ByteBuffer.wrap(lock.getValueBlock());
				long counter = lvb.getLong(0);
				int lastHolder = lvb.getInt(8);
				long[] slots = { lvb.getLong(16), lvb.getLong(24) };
				if (!lock.isValueBlockValid()) {
					// VALNOTVALID (recovery after a node left): nothing to check; restart from our count.
					invalid++;
					counter = published;
					lastHolder = 0;
					slots[me] = published;
					slots[1 - me] = 0;
				}
				else if (slots[me] != published || counter != slots[0] + slots[1] || counter < lastCounter) {
					if (lvbOk) {
						System.err.printf(Locale.ROOT, "handoff node=%d: exclusion check failed: value block counter=%d"
								+ " slots=%d,%d last holder %d, but this node published %d turns and last saw counter %d%n",
								this.node, counter, slots[0], slots[1], lastHolder, published, lastCounter);
					}
					lvbOk = false;
				}
				if (granted >= windowStart && granted < end) {
					grants++;
					if (lastHolder != 0 && lastHolder != this.node) {
						handoffs++;
					}
				}
				slots[me]++;
				published++;
				lastCounter = counter + 1;
				ByteBuffer next = ByteBuffer.allocate(32);
				next.putLong(0, lastCounter).putInt(8, this.node).putLong(16, slots[0]).putLong(24, slots[1]);
				lock.setValueBlock(next.array());
				// Hold until the other side waits (or the window ends); then hand over.
				long remaining = end - System.nanoTime();
				if (remaining > 0) {
					blocking.tryAcquire(remaining, TimeUnit.NANOSECONDS);
				}
			}
			finally {
				lock.unlock();
			}
		}
		return new Result(this.node, handoffs, grants, seconds, lvbOk, invalid);
	}

	private static void blocking(DlmLock lock, Object key, Thread holder) {
		Semaphore wakeup = WAKEUPS.get(holder);
		if (wakeup != null) {
			wakeup.release();
		}
	}

	private record Result(int node, long handoffs, long grants, double seconds, boolean lvbOk, long lvbInvalid) {

		@Override
		public String toString() {
			return String.format(Locale.ROOT, "handoff node=%d handoffs=%d grants=%d seconds=%.3f handoffs_per_s=%.1f lvb_ok=%b lvb_invalid=%d",
					this.node, this.handoffs, this.grants, this.seconds,
					(this.seconds > 0) ? this.handoffs / this.seconds : 0.0, this.lvbOk, this.lvbInvalid);
		}

	}

}
