package io.github.dlm.jna;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import io.github.dlm.core.DlmLockspace;
import io.github.dlm.core.LockspaceOptions;
import io.github.dlm.lock.DlmLock;
import io.github.dlm.lock.DlmLockRegistry;

/**
 * Measurement harness, not a test (the suite never runs it): on a node with the kernel DLM,
 * alternates rounds of the C loop ({@code native-tools/dlm_lock_loop.c}, libdlm's
 * synchronous calls) with rounds of {@code DlmLockRegistry} EX {@code lock()}+{@code unlock()}
 * on the native backend, so each pair of figures is taken under the same machine load (a
 * loaded host makes TCG guests' timings drift by tens of percent within minutes).
 * <p>
 * Run in a node after {@code test-compile}, with the module's classes, test classes and
 * dependencies on the class path:
 * <pre>
 * java -cp ... io.github.dlm.jna.KernelLoopMeasurement /root/dlm_lock_loop [pairs] [rounds] [warmup-seconds]
 * </pre>
 * Prints one line per round, then the median ratio (C time / Java time: 1 = as fast as C).
 */
public final class KernelLoopMeasurement {

	private KernelLoopMeasurement() {
	}

	/**
	 * Runs the rounds.
	 * @param args the C loop executable, pairs per round, rounds, warm-up seconds
	 * @throws Exception on any failure
	 */
	public static void main(String[] args) throws Exception {
		String cLoop = args[0];
		int pairs = (args.length > 1) ? Integer.parseInt(args[1]) : 5000;
		int rounds = (args.length > 2) ? Integer.parseInt(args[2]) : 5;
		int warmupSeconds = (args.length > 3) ? Integer.parseInt(args[3]) : 60;
		NativeDlmClient client = new NativeDlmClient();
		DlmLockspace lockspace = client.openLockspace("loopbench", new LockspaceOptions(true, 0600, true));
		DlmLockRegistry registry = new DlmLockRegistry(lockspace);
		try {
			DlmLock lock = registry.obtain("registry-loop");
			long until = System.nanoTime() + warmupSeconds * 1_000_000_000L;
			long warm = 0;
			while (System.nanoTime() < until) {
				lock.lock();
				lock.unlock();
				warm++;
			}
			System.out.println("warmup pairs=" + warm + " in " + warmupSeconds + " s");
			List<Double> ratios = new ArrayList<>();
			for (int round = 0; round < rounds; round++) {
				double c = runC(cLoop, pairs) / 1000.0;
				long dispatcher = dispatcherCpu();
				long caller = THREADS.getCurrentThreadCpuTime();
				long process = processCpu();
				long jit = ManagementFactory.getCompilationMXBean().getTotalCompilationTime();
				long start = System.nanoTime();
				for (int i = 0; i < pairs; i++) {
					lock.lock();
					lock.unlock();
				}
				double java = (System.nanoTime() - start) / 1000.0 / pairs;
				caller = THREADS.getCurrentThreadCpuTime() - caller;
				dispatcher = dispatcherCpu() - dispatcher;
				process = processCpu() - process;
				jit = ManagementFactory.getCompilationMXBean().getTotalCompilationTime() - jit;
				ratios.add(c / java);
				System.out.printf("round %d c_us_per_op=%.1f java_us_per_op=%.1f ratio=%.3f cpu_us_per_op: process=%.1f "
						+ "caller=%.1f dispatcher=%.1f; jit_ms=%d%n", round, c, java, c / java, process / 1000.0 / pairs,
						caller / 1000.0 / pairs, dispatcher / 1000.0 / pairs, jit);
			}
			double[] sorted = ratios.stream().mapToDouble(Double::doubleValue).sorted().toArray();
			System.out.printf("median ratio (C time / Java time)=%.3f of %s%n", sorted[sorted.length / 2],
					Arrays.toString(sorted));
		}
		finally {
			registry.close();
			client.close();
		}
	}

	private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

	private static long dispatcherCpu() {
		for (ThreadInfo info : THREADS.dumpAllThreads(false, false)) {
			if (info.getThreadName().startsWith("dlm-dispatch-")) {
				return THREADS.getThreadCpuTime(info.getThreadId());
			}
		}
		return 0;
	}

	private static long processCpu() {
		return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
			.getProcessCpuTime();
	}

	/** Runs the C loop once; returns its ns per pair. */
	private static long runC(String cLoop, int pairs) throws Exception {
		NativeTestSupport.Result result = NativeTestSupport.run(List.of(cLoop, "-l", "dlmbench", "-r", "c-loop", "-n",
				Integer.toString(pairs), "-w", Integer.toString(Math.max(1, pairs / 10)), "-c"));
		if (result.exitCode() != 0) {
			throw new IllegalStateException(cLoop + " failed: " + result.output());
		}
		String line = result.output().trim();
		int at = line.indexOf("ns_per_op=");
		return Long.parseLong(line.substring(at + "ns_per_op=".length()).split("\\s")[0]);
	}

}
