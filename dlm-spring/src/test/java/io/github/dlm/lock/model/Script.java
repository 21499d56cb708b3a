package io.github.dlm.lock.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import io.github.dlm.core.DlmMode;

/**
 * The scripts of the threads of one run, and their generator.
 * @param threads each thread's steps, in order
 */
record Script(List<List<Op>> threads) {

	Script {
		threads = threads.stream().map(List::copyOf).toList();
	}

	int size() {
		return this.threads.stream().mapToInt(List::size).sum();
	}

	@Override
	public String toString() {
		StringBuilder text = new StringBuilder();
		for (int t = 0; t < this.threads.size(); t++) {
			text.append("  T").append(t).append(':');
			List<Op> ops = this.threads.get(t);
			if (ops.isEmpty()) {
				text.append(" (nothing)");
			}
			for (int i = 0; i < ops.size(); i++) {
				text.append("\n    ").append(i).append(". ").append(ops.get(i));
			}
			text.append('\n');
		}
		return text.toString();
	}

	/**
	 * A random script: 2 to {@code maxThreads} threads of 1 to {@code maxOps} steps over two
	 * keys and the run's four registries; with three threads or more, the last thread
	 * belongs to the other process (registry R2 only), which one thread of the first process
	 * may close. Steps are drawn with fixed weights; every sub-sequence of a script is
	 * meaningful (see {@link Op}).
	 */
	static Script generate(Random random, int maxThreads, int maxOps) {
		int threadCount = 2 + random.nextInt(Math.max(1, maxThreads - 1));
		boolean closeUsed = false;
		List<List<Op>> threads = new ArrayList<>();
		for (int t = 0; t < threadCount; t++) {
			int length = 1 + random.nextInt(maxOps);
			// with three threads or more, the last one is a thread of the other process
			boolean otherProcess = threadCount >= 3 && t == threadCount - 1;
			List<Op> ops = new ArrayList<>();
			for (int i = 0; i < length; i++) {
				Op op = step(random, t, threadCount, otherProcess, !closeUsed);
				closeUsed |= op instanceof Op.CloseOtherProcess;
				ops.add(op);
			}
			threads.add(ops);
		}
		return new Script(threads);
	}

	private static final int[] MILLIS = { 0, 1, 3, 10, 30 };

	private static final int[] PAUSES = { 0, 1, 5, 20 };

	private static Op step(Random random, int thread, int threadCount, boolean otherProcess, boolean mayClose) {
		int roll = random.nextInt(100);
		if (roll < 28) {
			return acquire(random, otherProcess);
		}
		if (roll < 46) {
			return new Op.Release();
		}
		if (roll < 57) {
			Op.How how = pick(random, new Op.How[] { Op.How.WAIT, Op.How.WAIT, Op.How.TRY, Op.How.TIMED });
			return new Op.Convert(mode(random), how, MILLIS[random.nextInt(MILLIS.length)]);
		}
		if (roll < 65) {
			return new Op.SetValue(1 + random.nextInt(9));
		}
		if (roll < 71) {
			int asyncRoll = random.nextInt(10);
			Op.AsyncHow how = (asyncRoll < 5) ? Op.AsyncHow.WAIT : (asyncRoll < 9) ? Op.AsyncHow.TRY
					: Op.AsyncHow.CANCEL;
			return new Op.AcquireAsync(registry(random, otherProcess), key(random), mode(random), how,
					MILLIS[random.nextInt(MILLIS.length)]);
		}
		if (roll < 75) {
			return new Op.ReleaseAsync(random.nextInt(4) == 0);
		}
		if (roll < 78) {
			return new Op.SetValueAsync(1 + random.nextInt(9));
		}
		if (roll < 82) {
			return new Op.GetValue();
		}
		if (roll < 87) {
			return new Op.Expire(registry(random, otherProcess));
		}
		if (roll < 90) {
			return new Op.Pause(PAUSES[random.nextInt(PAUSES.length)]);
		}
		if (roll < 94) {
			int target = random.nextInt(threadCount - 1);
			return new Op.Interrupt((target >= thread) ? target + 1 : target);
		}
		if (roll < 97) {
			return new Op.Misused(registry(random, otherProcess), key(random), mode(random),
					pick(random, Op.Misuse.values()));
		}
		if (roll < 98 || !mayClose || otherProcess) {
			return new Op.CloseRegistry(registry(random, otherProcess));
		}
		return new Op.CloseOtherProcess();
	}

	private static Op acquire(Random random, boolean otherProcess) {
		int registry = registry(random, otherProcess);
		int key = key(random);
		int viaRoll = random.nextInt(10);
		Op.Via via = (viaRoll < 7) ? Op.Via.OBTAIN : (viaRoll < 8) ? Op.Via.READ_WRITE : Op.Via.KEPT;
		DlmMode mode = (via == Op.Via.READ_WRITE) ? (random.nextBoolean() ? DlmMode.PR : DlmMode.EX)
				: mode(random);
		int howRoll = random.nextInt(20);
		Op.How how = (howRoll < 7) ? Op.How.WAIT : (howRoll < 10) ? Op.How.INTERRUPTIBLY
				: (howRoll < 15) ? Op.How.TRY : Op.How.TIMED;
		return new Op.Acquire(registry, key, mode, how, MILLIS[random.nextInt(MILLIS.length)], via);
	}

	/**
	 * R0 and R1 share the first process's handle on lockspace {@code model}, R3 is the first
	 * process's handle on lockspace {@code model2}; R2 is the other process's handle on
	 * {@code model}, used by its threads only.
	 */
	private static int registry(Random random, boolean otherProcess) {
		if (otherProcess) {
			return 2;
		}
		int roll = random.nextInt(20);
		return (roll < 13) ? 0 : (roll < 18) ? 1 : 3;
	}

	/** Any mode, the ones that matter for value blocks (PR, PW, EX) more often. */
	private static DlmMode mode(Random random) {
		int roll = random.nextInt(100);
		return (roll < 8) ? DlmMode.NL : (roll < 20) ? DlmMode.CR : (roll < 32) ? DlmMode.CW
				: (roll < 54) ? DlmMode.PR : (roll < 76) ? DlmMode.PW : DlmMode.EX;
	}

	private static int key(Random random) {
		return (random.nextInt(10) < 6) ? 0 : 1;
	}

	private static <T> T pick(Random random, T[] values) {
		return values[random.nextInt(values.length)];
	}

}
