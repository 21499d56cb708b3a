package io.github.dlm.lock.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

import org.jspecify.annotations.Nullable;

import io.github.dlm.core.DlmMode;

/**
 * Makes a failing script smaller while it still fails the same way: drops threads, then
 * runs of steps (halving their length, as delta debugging does), then simplifies the steps
 * that are left. Failures of concurrent histories depend on timing, so a candidate counts
 * as failing if any of up to {@code reruns} runs of it fails with the same kind of
 * violation (not necessarily the first one of the run). Bounded in time; the best script
 * found so far is kept.
 */
final class Shrinker {

	/** The smallest failing script found and one history of its failure. */
	record Result(Script script, HistoryRun.Outcome outcome, int candidatesTried, int runs) {
	}

	private final HistoryRun.Settings settings;

	private final int reruns;

	private final long deadline;

	private final Map<String, LongAdder> stats = HistoryRun.newStats();

	private int candidates;

	private int runs;

	Shrinker(HistoryRun.Settings settings, int reruns, long budgetMillis) {
		this.settings = settings;
		this.reruns = reruns;
		this.deadline = System.nanoTime() + budgetMillis * 1_000_000;
	}

	Result shrink(Script script, HistoryRun.Outcome failing, String kind) {
		Script best = script;
		HistoryRun.Outcome bestOutcome = failing;
		boolean improved = true;
		while (improved && !timeUp()) {
			improved = false;
			for (Script candidate : candidates(best)) {
				if (timeUp()) {
					break;
				}
				HistoryRun.Outcome outcome = fails(candidate, kind);
				if (outcome != null) {
					best = candidate;
					bestOutcome = outcome;
					improved = true;
					break;
				}
			}
		}
		return new Result(best, bestOutcome, this.candidates, this.runs);
	}

	private boolean timeUp() {
		return System.nanoTime() > this.deadline;
	}

	private HistoryRun.@Nullable Outcome fails(Script candidate, String kind) {
		this.candidates++;
		for (int i = 0; i < this.reruns && !timeUp(); i++) {
			this.runs++;
			HistoryRun.Outcome outcome = HistoryRun.run(candidate, this.settings, this.stats);
			if (outcome.failure(kind) != null) {
				return outcome;
			}
		}
		return null;
	}

	/** Smaller or simpler variants, the most reducing first. */
	private static List<Script> candidates(Script script) {
		List<Script> candidates = new ArrayList<>();
		List<List<Op>> threads = script.threads();
		if (threads.size() > 1) {
			for (int t = 0; t < threads.size(); t++) {
				List<List<Op>> fewer = new ArrayList<>(threads);
				fewer.remove(t);
				candidates.add(new Script(renumberInterrupts(fewer, t)));
			}
		}
		int longest = threads.stream().mapToInt(List::size).max().orElse(0);
		for (int chunk = Math.max(1, longest / 2); chunk >= 1; chunk /= 2) {
			for (int t = 0; t < threads.size(); t++) {
				List<Op> ops = threads.get(t);
				for (int from = 0; from + chunk <= ops.size(); from += chunk) {
					List<Op> shorter = new ArrayList<>(ops.subList(0, from));
					shorter.addAll(ops.subList(from + chunk, ops.size()));
					candidates.add(replace(script, t, shorter));
				}
			}
			if (chunk == 1) {
				break;
			}
		}
		for (int t = 0; t < threads.size(); t++) {
			List<Op> ops = threads.get(t);
			for (int i = 0; i < ops.size(); i++) {
				for (Op simpler : simpler(ops.get(i))) {
					List<Op> changed = new ArrayList<>(ops);
					changed.set(i, simpler);
					candidates.add(replace(script, t, changed));
				}
			}
		}
		return candidates;
	}

	private static Script replace(Script script, int thread, List<Op> ops) {
		List<List<Op>> threads = new ArrayList<>(script.threads());
		threads.set(thread, ops);
		return new Script(threads);
	}

	/** Interrupts aimed at threads after a removed one now aim at the same thread's new index. */
	private static List<List<Op>> renumberInterrupts(List<List<Op>> threads, int removed) {
		List<List<Op>> renumbered = new ArrayList<>();
		for (List<Op> ops : threads) {
			List<Op> copy = new ArrayList<>();
			for (Op op : ops) {
				if (op instanceof Op.Interrupt interrupt) {
					if (interrupt.thread() == removed) {
						continue;
					}
					if (interrupt.thread() > removed) {
						op = new Op.Interrupt(interrupt.thread() - 1);
					}
				}
				copy.add(op);
			}
			renumbered.add(copy);
		}
		return renumbered;
	}

	/**
	 * Simpler forms of a step: plain lock()/convert(), obtain(), the first key, the first
	 * registry of the same process.
	 */
	private static List<Op> simpler(Op op) {
		List<Op> simpler = new ArrayList<>();
		if (op instanceof Op.Acquire acquire) {
			if (acquire.how() != Op.How.WAIT) {
				simpler.add(new Op.Acquire(acquire.registry(), acquire.key(), acquire.mode(), Op.How.WAIT, 0,
						acquire.via()));
			}
			if (acquire.via() != Op.Via.OBTAIN) {
				simpler.add(new Op.Acquire(acquire.registry(), acquire.key(), acquire.mode(), acquire.how(),
						acquire.millis(), Op.Via.OBTAIN));
			}
			if (acquire.registry() != 0 && acquire.registry() != 2) {
				simpler.add(new Op.Acquire(0, acquire.key(), acquire.mode(), acquire.how(), acquire.millis(),
						acquire.via()));
			}
			if (acquire.key() != 0) {
				simpler.add(new Op.Acquire(acquire.registry(), 0, acquire.mode(), acquire.how(), acquire.millis(),
						acquire.via()));
			}
			if (acquire.mode() != DlmMode.EX && acquire.via() != Op.Via.READ_WRITE) {
				simpler.add(new Op.Acquire(acquire.registry(), acquire.key(), DlmMode.EX, acquire.how(),
						acquire.millis(), acquire.via()));
			}
		}
		else if (op instanceof Op.AcquireAsync acquire && acquire.how() != Op.AsyncHow.WAIT) {
			simpler.add(new Op.AcquireAsync(acquire.registry(), acquire.key(), acquire.mode(), Op.AsyncHow.WAIT, 0));
		}
		else if (op instanceof Op.Convert convert && convert.how() != Op.How.WAIT) {
			simpler.add(new Op.Convert(convert.mode(), Op.How.WAIT, 0));
		}
		return simpler;
	}

}
