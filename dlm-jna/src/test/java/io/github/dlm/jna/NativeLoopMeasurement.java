package io.github.dlm.jna;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

import io.github.dlm.core.DlmCompletion;
import io.github.dlm.core.DlmFlag;
import io.github.dlm.core.DlmLockHandle;
import io.github.dlm.core.DlmLockspace;
import io.github.dlm.core.DlmMode;
import io.github.dlm.core.DlmResourceName;
import io.github.dlm.core.DlmStatus;
import io.github.dlm.core.LockspaceOptions;
import io.github.dlm.lock.DlmLock;
import io.github.dlm.lock.DlmLockRegistry;

/**
 * Measurement harness, not a test (the suite never runs it): uncontended lock(EX)+unlock
 * pairs through the native backend over the stand-in library {@code fake_libdlm.c}, side
 * by side with a C loop ({@code fake_async_loop.c}) over the same library with the same
 * asynchronous API and its own dispatch. Numbers are only comparable within one run.
 * <p>
 * Run from the module directory after {@code test-compile}:
 * <pre>
 * java -cp target/test-classes:target/classes:$(cat cp.txt) io.github.dlm.jna.NativeLoopMeasurement [pairs] [rounds] [scenario...]
 * </pre>
 * Scenarios: {@code c-threaded}, {@code c-inline}, {@code c-threaded-valblk},
 * {@code handle} (new handle, request EX, unlock), {@code handle-valblk} (the same with
 * VALBLK, as {@code DlmLock} asks), {@code registry} ({@code DlmLockRegistry} EX
 * {@code lock()}+{@code unlock()}); default: all. Each Java scenario first times a fifth
 * of the pairs on its own ("first": the cold code a short benchmark iteration mostly
 * measures), then runs {@code rounds} timed rounds of {@code pairs} pairs.
 */
public final class NativeLoopMeasurement {

	private NativeLoopMeasurement() {
	}

	/**
	 * Runs the scenarios.
	 * @param args pairs per round, rounds, then scenario names
	 * @throws Exception on any failure
	 */
	public static void main(String[] args) throws Exception {
		int pairs = (args.length > 0) ? Integer.parseInt(args[0]) : 5000;
		int rounds = (args.length > 1) ? Integer.parseInt(args[1]) : 3;
		List<String> scenarios = new ArrayList<>(List.of("c-threaded", "c-inline", "c-threaded-valblk", "handle",
				"handle-valblk", "registry"));
		if (args.length > 2) {
			scenarios = List.of(args).subList(2, args.length);
		}
		Path library = NativeTestSupport.compile("fake_libdlm.c", "libfakedlm.so", "-O2", "-shared", "-fPIC",
				"-pthread");
		Path loop = NativeTestSupport.compile("fake_async_loop.c", "fake_async_loop", "-O2", "-pthread",
				library.toAbsolutePath().toString(), "-Wl,-rpath," + library.toAbsolutePath().getParent());
		LibDlm libDlm = LibDlmLoader.load(library.toAbsolutePath().toString());
		NativeDlmClient client = new NativeDlmClient(libDlm,
				new NativeDlmSettings(null, "dlm-dispatch-", Duration.ofMillis(200), Duration.ofSeconds(10)));
		DlmLockspace lockspace = client.openLockspace("loopbench", new LockspaceOptions(true, 0600, true));
		try {
			for (String scenario : scenarios) {
				for (int round = 0; round < rounds; round++) {
					String line = switch (scenario) {
						case "c-threaded" -> runC(loop, pairs, "-l", "cl" + round);
						case "c-inline" -> runC(loop, pairs, "-i", "-l", "cl" + round);
						case "c-threaded-valblk" -> runC(loop, pairs, "-v", "-l", "cl" + round);
						case "handle" -> timed(scenario, pairs, round, () -> handlePair(lockspace, Set.of()));
						case "handle-valblk" -> timed(scenario, pairs, round,
								() -> handlePair(lockspace, EnumSet.of(DlmFlag.VALBLK)));
						case "registry" -> registry(lockspace, pairs, round);
						default -> throw new IllegalArgumentException("Unknown scenario " + scenario);
					};
					System.out.println(line);
				}
			}
		}
		finally {
			client.close();
		}
	}

	private static String runC(Path loop, int pairs, String... args) throws Exception {
		List<String> command = new ArrayList<>(List.of(loop.toAbsolutePath().toString(), "-n",
				Integer.toString(pairs), "-w", Integer.toString(pairs / 5)));
		command.addAll(List.of(args));
		NativeTestSupport.Result result = NativeTestSupport.run(command);
		if (result.exitCode() != 0) {
			throw new IllegalStateException(command + " failed: " + result.output());
		}
		return result.output().trim();
	}

	private static String registry(DlmLockspace lockspace, int pairs, int round) throws Exception {
		DlmLockRegistry registry = new DlmLockRegistry(lockspace);
		try {
			DlmLock lock = registry.obtain("registry-loop");
			return timed("registry", pairs, round, () -> {
				lock.lock();
				lock.unlock();
			});
		}
		finally {
			registry.close();
		}
	}

	private static void handlePair(DlmLockspace lockspace, Set<DlmFlag> flags)
			throws InterruptedException, ExecutionException {
		DlmLockHandle handle = lockspace.newLock(DlmResourceName.of("handle-loop"), null);
		CompletableFuture<DlmCompletion> granted = handle.request(DlmMode.EX, flags, null);
		if (granted.get().status() != DlmStatus.GRANTED) {
			throw new IllegalStateException("not granted: " + granted.get());
		}
		if (handle.unlock(null).get().status() != DlmStatus.UNLOCKED) {
			throw new IllegalStateException("not unlocked");
		}
	}

	private static String timed(String scenario, int pairs, int round, Pair pair) throws Exception {
		String cold = "";
		if (round == 0) {
			// the first pairs of a scenario in this JVM: interpreted and C1 code, as in a short run
			int first = Math.max(1, pairs / 5);
			long cpu = processCpuNanos();
			long start = System.nanoTime();
			for (int i = 0; i < first; i++) {
				pair.run();
			}
			long elapsed = System.nanoTime() - start;
			cpu = processCpuNanos() - cpu;
			cold = String.format("java %s first=%d ns_per_op=%d ops_per_s=%.0f cpu_ns_per_op=%d%n", scenario, first,
					elapsed / first, first * 1e9 / elapsed, cpu / first);
		}
		long cpu = processCpuNanos();
		long start = System.nanoTime();
		for (int i = 0; i < pairs; i++) {
			pair.run();
		}
		long elapsed = System.nanoTime() - start;
		cpu = processCpuNanos() - cpu;
		return cold + String.format("java %s iterations=%d ns_per_op=%d ops_per_s=%.0f cpu_ns_per_op=%d", scenario,
				pairs, elapsed / pairs, pairs * 1e9 / elapsed, cpu / pairs);
	}

	/** CPU time of the whole process (all threads, JIT and GC included). */
	private static long processCpuNanos() {
		return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
			.getProcessCpuTime();
	}

	@FunctionalInterface
	private interface Pair {

		void run() throws Exception;

	}

}
