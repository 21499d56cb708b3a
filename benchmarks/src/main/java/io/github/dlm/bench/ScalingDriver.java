package io.github.dlm.bench;

import java.util.Locale;
import java.util.Set;

import io.github.dlm.core.DlmClient;
import io.github.dlm.core.DlmMode;
import io.github.dlm.core.LockspaceOptions;
import io.github.dlm.lock.DlmLock;
import io.github.dlm.lock.DlmLockRegistries;
import io.github.dlm.lock.DlmLockRegistry;

/**
 * How cost grows with the number of distinct keys: for each decade from 1 000 up to
 * {@code --max} keys, one thread takes and releases that many keys it never used before
 * ({@code obtain(key)}, {@code lock()}, {@code unlock()}), then the driver reads what stays
 * behind: heap in use after a collection and resident memory above what they were before
 * the first decade, per key taken so far, and the DLM locks left in the lockspace (none
 * without node-level caching once released, beyond value-block anchors; with it, the cached
 * locks not yet released for idleness). One line per decade:
 * {@code scaling backend=B keys=N seconds=S ops_per_s=R heap_bytes_per_key=H rss_bytes_per_key=M dlm_locks=L}.
 *
 * <pre>
 * java -cp ... io.github.dlm.bench.ScalingDriver --backend local --max 1000000
 * </pre>
 */
public final class ScalingDriver {

	private ScalingDriver() {
	}

	/**
	 * Runs the driver; see the class comment for the options.
	 * @param args the options
	 * @throws Exception on failure (exit status 1)
	 */
	public static void main(String[] args) throws Exception {
		DriverOptions options = DriverOptions.parse(args, Set.of());
		int max = options.intValue("max", 1_000_000);
		try (DlmClient client = options.client();
				DlmLockRegistries registries = new DlmLockRegistries(client, options.lockspace(),
						new LockspaceOptions(true, 0600, false), DlmMode.EX)) {
			DlmLockRegistry registry = registries.registry();
			long heapBase = Footprint.heapUsedAfterGc();
			long rssBase = Footprint.residentBytes();
			long taken = 0;
			for (int keys = 1_000; keys <= max; keys *= 10) {
				long t0 = System.nanoTime();
				for (int i = 0; i < keys; i++) {
					DlmLock lock = registry.obtain("scale-" + keys + "-" + i);
					lock.lock();
					lock.unlock();
				}
				double seconds = (System.nanoTime() - t0) / 1e9;
				taken += keys;
				long heap = Footprint.heapUsedAfterGc() - heapBase;
				long rss = Footprint.residentBytes() - rssBase;
				System.out.printf(Locale.ROOT,
						"scaling backend=%s keys=%d seconds=%.3f ops_per_s=%.1f heap_bytes_per_key=%d rss_bytes_per_key=%d "
								+ "dlm_locks=%d%n",
						options.backend().name().toLowerCase(Locale.ROOT), keys, seconds, keys / seconds, heap / taken,
						(rssBase < 0) ? -1 : rss / taken, Footprint.dlmLocks(client, options.lockspace()));
			}
		}
	}

}
