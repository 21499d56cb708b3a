package io.github.dlm.lock.model;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.fail;

/**
 * Generated, not hand-picked, histories of the lock layer over the local engine: random
 * per-thread scripts ({@link Script}) of {@code lock}, {@code lockInterruptibly},
 * {@code tryLock}, timed {@code tryLock}, interrupts from other threads, conversions,
 * value block reads and writes, {@code unlock} (re-entrant too, through the same or other
 * lock objects, registries, the read/write view, or after expiry), asynchronous holds
 * ({@code lockAsync}, {@code tryLockAsync}, cancelled at once, released or closed twice),
 * expiry, registry close and a second process's lockspace handle closing under its
 * threads, run on real threads ({@link HistoryRun}) and checked as they go against a
 * sequential model of the DLM ({@link Shadow}): holders pairwise compatible at every
 * instant, value blocks as published (and invalid after a PW/EX holder's process went),
 * re-entry never waiting on oneself nor holding less than asked, no run that stops making
 * progress, only documented exceptions, and nothing but value block anchors left in the
 * lock manager's dump at the end (nothing once the registries are closed). The verdict
 * does not depend on timing: where timing leaves the outcome open, the model accepts every
 * outcome the contract allows.
 * <p>
 * A failing script is shrunk ({@link Shrinker}) and reported with the history of a failing
 * run of it and the seed that generated it. System properties:
 * <ul>
 * <li>{@code dlm.model.runs} (default 2500) scripts, of 2 to {@code dlm.model.max-threads}
 * (4) threads with 1 to {@code dlm.model.max-ops} (10) steps each; at most
 * {@code dlm.model.max-seconds} (30) are spent running them, whatever the count;</li>
 * <li>{@code dlm.model.seed}: the first script's seed (default: random, printed);</li>
 * <li>{@code dlm.model.hang-ms} (30000): how long a run may make no progress;</li>
 * <li>{@code dlm.model.skip}: step kinds to leave out (see {@link HistoryRun.Settings});</li>
 * <li>{@code dlm.model.shrink-seconds} (120), {@code dlm.model.shrink-reruns} (10),
 * {@code dlm.model.shrink-hang-ms} (2000: a candidate that stalls that long counts as
 * hanging);</li>
 * <li>{@code dlm.model.collect} ({@code false}): go on after a failure and report every
 * kind of violation found, each shrunk.</li>
 * </ul>
 * For example {@code ./mvnw -pl dlm-spring -am test -Dtest=LockModelTests -Dsurefire.failIfNoSpecifiedTests=false
 * -Ddlm.model.runs=100000 -Ddlm.model.max-seconds=3600 -Ddlm.model.collect=true}.
 * <p>
 * Against the lock layer as it was before holds belonged to (lockspace, resource, owner),
 * it found, each shrunk to two to seven steps: a re-entry through another lock object
 * refused ({@code tryLock} false), rejected ({@code IllegalStateException}) or waiting
 * for itself forever (another registry); a re-entry after {@code convert(NL)} returning at
 * once while holding NL; a value set in PW lost by {@code convert(EX)}; a holder that set
 * nothing republishing an invalid value as valid; {@code unlock()} after the lockspace
 * closed throwing {@code IllegalStateException}.
 */
class LockModelTests {

	private static final int RUNS = Integer.getInteger("dlm.model.runs", 2500);

	private static final int MAX_THREADS = Integer.getInteger("dlm.model.max-threads", 4);

	private static final int MAX_OPS = Integer.getInteger("dlm.model.max-ops", 10);

	private static final long MAX_SECONDS = Long.getLong("dlm.model.max-seconds", 30);

	private static final long HANG_MILLIS = Long.getLong("dlm.model.hang-ms", 30_000);

	private static final long SHRINK_SECONDS = Long.getLong("dlm.model.shrink-seconds", 120);

	private static final int SHRINK_RERUNS = Integer.getInteger("dlm.model.shrink-reruns", 10);

	private static final long SHRINK_HANG_MILLIS = Long.getLong("dlm.model.shrink-hang-ms", 2_000);

	private static final boolean COLLECT = Boolean.getBoolean("dlm.model.collect");

	private static final Set<String> SKIP = Arrays.stream(System.getProperty("dlm.model.skip", "").split(","))
		.map(String::trim)
		.filter((s) -> !s.isEmpty())
		.collect(Collectors.toUnmodifiableSet());

	@Test
	void lockLayerHistoriesFollowTheDlmContract() {
		long seed = Long.getLong("dlm.model.seed", new Random().nextLong());
		HistoryRun.Settings settings = new HistoryRun.Settings(HANG_MILLIS, SKIP);
		Map<String, LongAdder> stats = HistoryRun.newStats();
		Map<String, String> reports = new LinkedHashMap<>();
		long started = System.nanoTime();
		long deadline = started + TimeUnit.SECONDS.toNanos(MAX_SECONDS);
		long shrinking = 0;
		int runs = 0;
		long steps = 0;
		long events = 0;
		int threads = 0;
		for (int i = 0; i < RUNS && System.nanoTime() < deadline; i++) {
			Script script = Script.generate(new Random(seed + i), MAX_THREADS, MAX_OPS);
			HistoryRun.Outcome outcome = HistoryRun.run(script, settings, stats);
			runs++;
			steps += script.size();
			threads += script.threads().size();
			events += outcome.journal().size();
			for (Failure failure : outcome.failures()) {
				if (reports.containsKey(failure.kind()) || (!COLLECT && !reports.isEmpty())) {
					continue;
				}
				long shrinkStarted = System.nanoTime();
				reports.put(failure.kind(), report(seed + i, script, outcome, failure.kind(), settings));
				// the time budget is for generated histories; shrinking comes on top
				shrinking += System.nanoTime() - shrinkStarted;
				deadline += System.nanoTime() - shrinkStarted;
				System.out.println(reports.get(failure.kind()));
			}
			if (!COLLECT && !reports.isEmpty()) {
				break;
			}
		}
		long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started - shrinking);
		System.out.printf("Lock model check: %d histories (seeds %d..%d), %d threads, %d scripted steps, %d recorded "
				+ "events in %d ms (not counting shrinking)%s%n  outcomes: %s%n", runs, seed, seed + runs - 1, threads, steps, events, millis,
				SKIP.isEmpty() ? "" : " (skipping " + SKIP + ")", new TreeMap<>(stats));
		if (!reports.isEmpty()) {
			fail(reports.size() + " kind(s) of contract violation found in " + runs + " histories:\n\n"
					+ String.join("\n\n", reports.values()));
		}
	}

	private static String report(long seed, Script script, HistoryRun.Outcome outcome, String kind,
			HistoryRun.Settings settings) {
		HistoryRun.Settings shrinking = new HistoryRun.Settings(Math.min(SHRINK_HANG_MILLIS, settings.hangMillis()),
				settings.skip());
		Shrinker.Result shrunk = new Shrinker(shrinking, SHRINK_RERUNS, TimeUnit.SECONDS.toMillis(SHRINK_SECONDS))
			.shrink(script, outcome, kind);
		List<String> lines = new ArrayList<>();
		lines.add("=== " + kind + " (seed " + seed + ", -Ddlm.model.seed=" + seed
				+ " -Ddlm.model.runs=1 replays the original script)");
		lines.add(shrunk.outcome().failure(kind).message());
		lines.add("Shrunk from " + script.size() + " to " + shrunk.script().size() + " steps ("
				+ shrunk.candidatesTried() + " candidates, " + shrunk.runs() + " runs):");
		lines.add(shrunk.script().toString());
		lines.add("History of the shrunk script's failing run:");
		shrunk.outcome().journal().forEach((entry) -> lines.add("  " + entry));
		return String.join("\n", lines);
	}

}
