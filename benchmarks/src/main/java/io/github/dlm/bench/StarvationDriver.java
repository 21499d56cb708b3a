package io.github.dlm.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import io.github.dlm.core.DlmClient;
import io.github.dlm.core.DlmMode;
import io.github.dlm.core.LockspaceOptions;
import io.github.dlm.lock.DlmLock;
import io.github.dlm.lock.DlmLockRegistries;

/**
 * The starvation check: one side hot, one cold, on one EX key. The hot side takes and
 * releases the key in a tight loop ({@code --hold-micros} inside, default 50); the cold side
 * asks for it every {@code --interval-ms} (default 100), holds it as briefly, and records
 * how long each request waited. A lock service that lets the hot side re-acquire ahead of a
 * waiter (a cache that never gives the lock up, a barging lock) shows long cold waits.
 * Prints, per side, {@code starvation role=cold waits=W p50_ms=.. p99_ms=.. max_ms=..} or
 * {@code starvation role=hot acquisitions=A per_s=R}.
 * <p>
 * Run one instance per node ({@code --role hot} on one, {@code --role cold} on the other;
 * {@code --node 1} is hot and {@code --node 2} cold, for the harness that numbers the sides,
 * same lockspace and resource, started together on a go-file as {@link HandoffDriver}), or
 * both sides as two threads of one JVM with {@code --pair} (local backend).
 *
 * <pre>
 * java -cp ... io.github.dlm.bench.StarvationDriver --backend native --role cold --seconds 20 --ready /mnt/host/bench/ready2 --go /mnt/host/bench/go
 * java -cp ... io.github.dlm.bench.StarvationDriver --backend local --pair --seconds 5
 * </pre>
 */
public final class StarvationDriver {

	private StarvationDriver() {
	}

	/**
	 * Runs the driver; see the class comment for the options.
	 * @param args the options
	 * @throws Exception on failure (exit status 1)
	 */
	public static void main(String[] args) throws Exception {
		DriverOptions options = DriverOptions.parse(args, Set.of("pair"));
		String resource = options.get("resource", "starvation");
		long windowNanos = (long) (options.doubleValue("seconds", 20) * 1e9);
		long holdNanos = TimeUnit.MICROSECONDS.toNanos(options.intValue("hold-micros", 50));
		long intervalNanos = TimeUnit.MILLISECONDS.toNanos(options.intValue("interval-ms", 100));
		try (DlmClient client = options.client();
				DlmLockRegistries registries = new DlmLockRegistries(client, options.lockspace(),
						new LockspaceOptions(true, 0600, false), DlmMode.EX)) {
			DlmLock lock = registries.registry().obtain(resource);
			if (options.has("pair")) {
				Thread hot = new Thread(() -> System.out.println(hot(lock, windowNanos, holdNanos)), "starvation-hot");
				hot.start();
				System.out.println(cold(lock, windowNanos, holdNanos, intervalNanos));
				hot.join();
				return;
			}
			options.signalReadyAndAwaitGo();
			String role = options.has("node") ? (options.get("node").equals("1") ? "hot" : "cold")
					: options.required("role", " (hot or cold), or --node (1 hot, 2 cold), or use --pair");
			System.out.println(switch (role) {
				case "hot" -> hot(lock, windowNanos, holdNanos);
				case "cold" -> cold(lock, windowNanos, holdNanos, intervalNanos);
				default -> throw new IllegalArgumentException("--role must be hot or cold, got " + role);
			});
		}
	}

	private static String hot(DlmLock lock, long windowNanos, long holdNanos) {
		long start = System.nanoTime();
		long acquisitions = 0;
		while (System.nanoTime() - start < windowNanos) {
			lock.lock();
			try {
				acquisitions++;
				spin(holdNanos);
			}
			finally {
				lock.unlock();
			}
		}
		return String.format(Locale.ROOT, "starvation role=hot acquisitions=%d per_s=%.1f", acquisitions,
				acquisitions / (windowNanos / 1e9));
	}

	private static String cold(DlmLock lock, long windowNanos, long holdNanos, long intervalNanos)
			throws InterruptedException {
		List<Long> waits = new ArrayList<>();
		long start = System.nanoTime();
		while (System.nanoTime() - start < windowNanos) {
			long asked = System.nanoTime();
			lock.lock();
			try {
				waits.add(System.nanoTime() - asked);
				spin(holdNanos);
			}
			finally {
				lock.unlock();
			}
			TimeUnit.NANOSECONDS.sleep(intervalNanos);
		}
		long[] sorted = waits.stream().mapToLong(Long::longValue).sorted().toArray();
		return String.format(Locale.ROOT, "starvation role=cold waits=%d p50_ms=%.3f p99_ms=%.3f max_ms=%.3f",
				sorted.length, percentile(sorted, 0.50), percentile(sorted, 0.99),
				(sorted.length > 0) ? sorted[sorted.length - 1] / 1e6 : 0.0);
	}

	private static double percentile(long[] sorted, double p) {
		if (sorted.length == 0) {
			return 0;
		}
		int index = (int) Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1);
		return sorted[Math.max(0, index)] / 1e6;
	}

	/** Busy for a while without sleeping: a sleeping holder would let anyone in. */
	private static void spin(long nanos) {
		long until = System.nanoTime() + nanos;
		while (System.nanoTime() < until) {
			Thread.onSpinWait();
		}
	}

}
