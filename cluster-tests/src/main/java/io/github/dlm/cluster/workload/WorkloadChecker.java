package io.github.dlm.cluster.workload;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * Checks a workload run: the clients' histories, the counter's final value and the faults
 * injected.
 * <ul>
 * <li><b>Lost updates.</b> Every acknowledged write should have written a value nobody else
 * wrote, and the counter should show all of them: a value written twice is an increment lost
 * (two holders read the same value), and acknowledged distinct values beyond the final
 * counter are increments overwritten by a stale holder. A counter above the acknowledged
 * writes is not a loss: a client died between its write and the write's record
 * ({@code unacknowledged}).</li>
 * <li><b>Stale writes.</b> Acknowledged writes whose read another client's acknowledged
 * write superseded before they wrote: the write puts back a value older than the counter's,
 * rolling it back by the increments in between (or, when the superseding write was itself
 * stale, moving it forward again). A holder that lost its lease while paused between its read
 * and its write makes one; what the lost-updates count then shows depends on whether another
 * holder read before it and wrote after it (the rollback undone: one increment lost) or not
 * (every increment rolled back lost, and written again by the holders that follow).</li>
 * <li><b>Overlaps.</b> Pairs of {@link Hold measured holds} of different clients that
 * overlap: each measured hold lies inside the real one, so a measured overlap is a real
 * one.</li>
 * <li>Per fault: the lost updates and overlaps that happened from its start to the next
 * fault's, the time from its start to the next grant of another client than the one it was
 * aimed at, for a fault that got a node fenced whether other nodes' clients were granted only
 * after the fence (when the fault's client held the lock as it struck), and for a paused JVM
 * whether its hold outlived the pause.</li>
 * </ul>
 */
public final class WorkloadChecker {

	/**
	 * How far a client's stamp may lie before a host event it follows: the host stamps files
	 * with its coarse clock (one tick behind at most), the scheduler reads the precise one.
	 */
	static final long CLOCK_TOLERANCE_NANOS = 10_000_000;

	private WorkloadChecker() {
	}

	/**
	 * Checks a run.
	 * @param system the system or systems the clients used, for the report
	 * @param events every client's history
	 * @param finalCounter the counter's value after the run
	 * @param faults the faults injected, in order
	 * @return the report
	 */
	public static WorkloadReport check(String system, List<HistoryEvent> events, long finalCounter,
			List<Fault> faults) {
		List<Hold> holds = holds(events);
		List<Hold> writes = holds.stream()
			.filter((hold) -> hold.written() != null)
			.sorted(Comparator.comparingLong(Hold::writeNanos))
			.toList();
		Map<Long, Hold> firstWriteOf = new HashMap<>();
		List<Hold> duplicates = new ArrayList<>();
		for (Hold hold : writes) {
			if (firstWriteOf.putIfAbsent(hold.written(), hold) != null) {
				duplicates.add(hold);
			}
		}
		int distinct = firstWriteOf.size();
		long overwritten = Math.max(0, distinct - finalCounter);
		long unacknowledged = Math.max(0, finalCounter - distinct);
		List<Overlap> overlaps = overlaps(holds);
		List<StaleWrite> staleWrites = staleWrites(writes);
		List<FaultResult> results = new ArrayList<>();
		for (int i = 0; i < faults.size(); i++) {
			Fault fault = faults.get(i);
			long from = fault.startMillis() * 1_000_000;
			long to = (i + 1 < faults.size()) ? faults.get(i + 1).startMillis() * 1_000_000 : Long.MAX_VALUE;
			long lost = duplicates.stream().filter((hold) -> hold.writeNanos() >= from && hold.writeNanos() < to).count();
			List<Overlap> during = overlaps.stream()
				.filter((overlap) -> overlap.second().grantNanos() >= from && overlap.second().grantNanos() < to)
				.toList();
			List<StaleWrite> stale = staleWrites.stream()
				.filter((write) -> write.write().writeNanos() >= from && write.write().writeNanos() < to)
				.toList();
			results.add(new FaultResult(fault, lost, stale, during, nextGrantMillis(fault, holds),
					fencedBeforeGranted(fault, holds), holdOutlivedPause(fault, holds)));
		}
		long failures = events.stream().filter((event) -> event.event().equals("fail")).count();
		long timeouts = events.stream().filter((event) -> event.event().equals("timeout")).count();
		return new WorkloadReport(system, writes.size(), finalCounter, duplicates.size() + overwritten, unacknowledged,
				staleWrites, overlaps, results, failures, timeouts);
	}

	/**
	 * The measured holds in the histories.
	 * @param events the events of every client
	 * @return the holds, by grant time
	 */
	static List<Hold> holds(List<HistoryEvent> events) {
		Map<String, Map<Long, List<HistoryEvent>>> sections = new LinkedHashMap<>();
		for (HistoryEvent event : events) {
			if (List.of("grant", "read", "linger", "lingered", "write", "release").contains(event.event())) {
				sections.computeIfAbsent(event.client(), (client) -> new LinkedHashMap<>())
					.computeIfAbsent(event.iteration(), (iteration) -> new ArrayList<>())
					.add(event);
			}
		}
		List<Hold> holds = new ArrayList<>();
		sections.forEach((client, iterations) -> iterations.forEach((iteration, steps) -> {
			HistoryEvent grant = steps.stream().filter((step) -> step.event().equals("grant")).findFirst().orElse(null);
			if (grant == null) {
				return;
			}
			HistoryEvent read = steps.stream().filter((step) -> step.event().equals("read")).findFirst().orElse(null);
			HistoryEvent write = steps.stream().filter((step) -> step.event().equals("write")).findFirst().orElse(null);
			HistoryEvent release = steps.stream()
				.filter((step) -> step.event().equals("release"))
				.findFirst()
				.orElse(null);
			long end = (release != null) ? release.nanos()
					: steps.stream().mapToLong(HistoryEvent::nanos).max().orElse(grant.nanos());
			holds.add(new Hold(client, iteration, grant.nanos(), end, release != null,
					(read != null) ? read.nanos() : 0, (write != null) ? write.value() : null, (write != null) ? write.nanos() : 0));
		}));
		holds.sort(Comparator.comparingLong(Hold::grantNanos));
		return holds;
	}

	/**
	 * The writes whose read was superseded: another client's acknowledged write lies between
	 * the read and the write (strictly: stamps of one tick do not order them). Under mutual
	 * exclusion every other write precedes the grant, so there are none.
	 * @param writes the acknowledged writes, by write time
	 */
	private static List<StaleWrite> staleWrites(List<Hold> writes) {
		List<StaleWrite> stale = new ArrayList<>();
		for (int i = 0; i < writes.size(); i++) {
			Hold write = writes.get(i);
			Hold superseding = null;
			for (int j = i - 1; j >= 0 && write.readNanos() > 0; j--) {
				Hold earlier = writes.get(j);
				if (earlier.writeNanos() <= write.readNanos()) {
					break;
				}
				if (earlier.writeNanos() < write.writeNanos() && !earlier.client().equals(write.client())) {
					superseding = earlier;
					break;
				}
			}
			if (superseding != null) {
				stale.add(new StaleWrite(write, superseding));
			}
		}
		return stale;
	}

	private static List<Overlap> overlaps(List<Hold> holds) {
		List<Overlap> overlaps = new ArrayList<>();
		List<Hold> open = new ArrayList<>();
		for (Hold hold : holds) {
			open.removeIf((earlier) -> earlier.endNanos() <= hold.grantNanos());
			for (Hold earlier : open) {
				if (!earlier.client().equals(hold.client()) && earlier.overlaps(hold)) {
					overlaps.add(new Overlap(earlier, hold));
				}
			}
			open.add(hold);
		}
		return overlaps;
	}

	private static @Nullable Long nextGrantMillis(Fault fault, List<Hold> holds) {
		long start = fault.startMillis() * 1_000_000;
		return holds.stream()
			.filter((hold) -> hold.grantNanos() > start && !hold.client().equals(fault.client()))
			.findFirst()
			.map((hold) -> (hold.grantNanos() - start) / 1_000_000)
			.orElse(null);
	}

	private static @Nullable Boolean fencedBeforeGranted(Fault fault, List<Hold> holds) {
		if (fault.fencedMillis() == null || !heldAtStart(fault, holds)) {
			return null;
		}
		long start = fault.startMillis() * 1_000_000;
		long fenced = fault.fencedMillis() * 1_000_000 - CLOCK_TOLERANCE_NANOS;
		return holds.stream()
			.filter((hold) -> HistoryEvent.nodeOf(hold.client()) != fault.node())
			.noneMatch((hold) -> hold.grantNanos() > start && hold.grantNanos() < fenced);
	}

	private static @Nullable Boolean holdOutlivedPause(Fault fault, List<Hold> holds) {
		if (!fault.kind().equals("pause-jvm") || !heldAtStart(fault, holds)) {
			return null;
		}
		long start = fault.startMillis() * 1_000_000;
		long end = fault.endMillis() * 1_000_000 - CLOCK_TOLERANCE_NANOS;
		return holds.stream()
			.filter((hold) -> hold.client().equals(fault.client()) && hold.grantNanos() < start)
			.reduce((first, second) -> second)
			.map((hold) -> hold.released() && hold.endNanos() >= end)
			.orElse(false);
	}

	private static boolean heldAtStart(Fault fault, List<Hold> holds) {
		long start = fault.startMillis() * 1_000_000;
		return holds.stream()
			.anyMatch((hold) -> hold.client().equals(fault.client()) && hold.grantNanos() < start
					&& (!hold.released() || hold.endNanos() > start));
	}

	/**
	 * Two holds of different clients that overlapped.
	 * @param first the hold granted first
	 * @param second the hold granted while the first was held
	 */
	public record Overlap(Hold first, Hold second) {

		/**
		 * How long both were held.
		 * @return the overlap in milliseconds
		 */
		public long millis() {
			return (Math.min(this.first.endNanos(), this.second.endNanos()) - this.second.grantNanos()) / 1_000_000;
		}

	}

	/**
	 * An acknowledged write whose read another client's acknowledged write had superseded.
	 * @param write the stale write's hold
	 * @param superseded the last acknowledged write of another client between its read and
	 * its write
	 */
	public record StaleWrite(Hold write, Hold superseded) {

		/**
		 * How many increments the write took off the counter: the superseding write's value
		 * minus the value this one read, its own increment included (negative when it gave
		 * increments back, written over an earlier stale write).
		 * @return the increments rolled back
		 */
		public long rolledBack() {
			Long read = this.write.written();
			Long over = this.superseded.written();
			return ((over != null) ? over : 0) - (((read != null) ? read : 1) - 1);
		}

		@Override
		public String toString() {
			return this.write.client() + "#" + this.write.iteration() + " wrote " + this.write.written() + " over "
					+ this.superseded.written() + " (" + this.superseded.client() + "#" + this.superseded.iteration()
					+ "): counter rolled back by " + rolledBack();
		}

	}

	/**
	 * What one fault did.
	 * @param fault the fault
	 * @param lostUpdates increments lost from its start to the next fault's (values written
	 * twice)
	 * @param staleWrites stale writes in that time
	 * @param overlaps overlaps in that time (the later grant in it)
	 * @param nextGrantMillis from its start to the next grant of another client, or
	 * {@code null} if there was none
	 * @param fencedBeforeGranted for a fault that got its node fenced while its client held the
	 * lock: whether other nodes' clients were granted only after the fence; else {@code null}
	 * @param holdOutlivedPause for a pause of a holder's JVM: whether the hold lasted until
	 * after the pause; else {@code null}
	 */
	public record FaultResult(Fault fault, long lostUpdates, List<StaleWrite> staleWrites, List<Overlap> overlaps,
			@Nullable Long nextGrantMillis, @Nullable Boolean fencedBeforeGranted, @Nullable Boolean holdOutlivedPause) {

	}

}
