package io.github.dlm.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.github.dlm.core.DlmClient;
import io.github.dlm.core.DlmMode;
import io.github.dlm.core.LockspaceOptions;
import io.github.dlm.lock.DlmLock;
import io.github.dlm.lock.DlmLockRegistries;
import io.github.dlm.lock.DlmLockRegistry;

/**
 * Many threads waiting on one key: what a waiter costs and how fast the queue drains. The
 * main thread holds the key in EX; {@code --threads} threads (platform, or virtual with
 * {@code --virtual}) each call {@code lock()}, increment a counter and {@code unlock()}. Once
 * every thread asked and the number of DLM locks in the lockspace stopped changing for a
 * second ({@code queued_s}: from the first thread's start to that count's last change), the driver reads the footprint (DLM locks, OS threads, resident memory and heap
 * above what they were before the threads started) and releases the key; the drain is the
 * time until every waiter had its turn. Prints one line:
 * {@code waiters backend=B threads=T virtual=V queued_s=Q drain_s=D grants_per_s=G dlm_locks=L os_threads=O rss_bytes_per_waiter=R heap_bytes_per_waiter=H counter_ok=C}
 * ({@code dlm_locks=-1}: the kernel's lock dump was not readable).
 *
 * <pre>
 * java -cp ... io.github.dlm.bench.WaitersDriver --backend local --threads 10000 --virtual
 * </pre>
 */
public final class WaitersDriver {

	private WaitersDriver() {
	}

	/**
	 * Runs the driver; see the class comment for the options.
	 * @param args the options
	 * @throws Exception on failure (exit status 1)
	 */
	public static void main(String[] args) throws Exception {
		DriverOptions options = DriverOptions.parse(args, Set.of("virtual"));
		int threads = options.intValue("threads", 10_000);
		boolean virtual = options.has("virtual");
		String key = options.get("resource", "waiters");
		try (DlmClient client = options.client();
				DlmLockRegistries registries = new DlmLockRegistries(client, options.lockspace(),
						new LockspaceOptions(true, 0600, false), DlmMode.EX)) {
			DlmLockRegistry registry = registries.registry();
			DlmLock lock = registry.obtain(key);
			lock.lock();
			long rssBefore = Footprint.residentBytes();
			long heapBefore = Footprint.heapUsedAfterGc();
			AtomicLong counter = new AtomicLong();
			CountDownLatch asked = new CountDownLatch(threads);
			CountDownLatch done = new CountDownLatch(threads);
			ThreadFactory factory = virtual ? virtualThreads()
					: (task) -> new Thread(null, task, "waiter", 256 * 1024);
			List<Thread> started = new ArrayList<>(threads);
			long t0 = System.nanoTime();
			for (int i = 0; i < threads; i++) {
				Thread waiter = factory.newThread(() -> {
					asked.countDown();
					lock.lock();
					try {
						counter.incrementAndGet();
					}
					finally {
						lock.unlock();
						done.countDown();
					}
				});
				started.add(waiter);
				waiter.start();
			}
			asked.await();
			long[] steady = awaitSteadyLockCount(client, options.lockspace());
			long dlmLocks = steady[0];
			double queued = (steady[1] - t0) / 1e9;
			long osThreads = Footprint.osThreads();
			long rss = Footprint.residentBytes() - rssBefore;
			long heap = Footprint.heapUsedAfterGc() - heapBefore;
			long t1 = System.nanoTime();
			lock.unlock();
			if (!done.await(30, TimeUnit.MINUTES)) {
				throw new IllegalStateException("waiters did not drain within 30 minutes: " + done.getCount() + " left");
			}
			double drain = (System.nanoTime() - t1) / 1e9;
			for (Thread thread : started) {
				thread.join();
			}
			boolean counterOk = counter.get() == threads;
			System.out.printf(Locale.ROOT,
					"waiters backend=%s threads=%d virtual=%b queued_s=%.3f drain_s=%.3f grants_per_s=%.1f dlm_locks=%d "
							+ "os_threads=%d rss_bytes_per_waiter=%d heap_bytes_per_waiter=%d counter_ok=%b%n",
					options.backend().name().toLowerCase(Locale.ROOT), threads, virtual, queued, drain, threads / drain,
					dlmLocks, osThreads, (rssBefore < 0) ? -1 : rss / threads, heap / threads, counterOk);
			if (!counterOk) {
				System.exit(1);
			}
		}
	}

	/**
	 * Virtual threads, found reflectively: the project compiles for Java 17 (run the driver
	 * on Java 21 or later for them).
	 */
	private static ThreadFactory virtualThreads() {
		try {
			Object builder = Thread.class.getMethod("ofVirtual").invoke(null);
			return (ThreadFactory) Class.forName("java.lang.Thread$Builder").getMethod("factory").invoke(builder);
		}
		catch (ReflectiveOperationException ex) {
			throw new IllegalStateException("--virtual needs Java 21 or later; this JVM is " + Runtime.version(), ex);
		}
	}

	/**
	 * Waits until the lockspace's lock count has not changed for a second (every waiter's
	 * request reached the lock manager, or, with node-level caching, none needs to).
	 * @return the count and the {@link System#nanoTime()} when it last changed
	 */
	private static long[] awaitSteadyLockCount(DlmClient client, String lockspace) throws InterruptedException {
		long last = Footprint.dlmLocks(client, lockspace);
		long steadySince = System.nanoTime();
		while (System.nanoTime() - steadySince < TimeUnit.SECONDS.toNanos(1)) {
			Thread.sleep(100);
			long now = Footprint.dlmLocks(client, lockspace);
			if (now != last) {
				last = now;
				steadySince = System.nanoTime();
			}
		}
		return new long[] { last, steadySince };
	}

}
