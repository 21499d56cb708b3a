package io.github.dlm.cluster.workload;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

import io.github.dlm.cluster.workload.WorkloadChecker.FaultResult;
import io.github.dlm.cluster.workload.WorkloadChecker.Overlap;
import io.github.dlm.cluster.workload.WorkloadChecker.StaleWrite;

/**
 * What {@link WorkloadChecker} found in one run, and its rows of the fault × system table.
 * @param system the system or systems the run's clients used
 * @param acknowledged acknowledged increments (recorded writes)
 * @param finalCounter the counter after the run
 * @param lostUpdates increments lost: values written twice, and acknowledged values the
 * counter does not reach
 * @param unacknowledged increments the counter shows beyond the acknowledged ones (clients
 * that died between a write and its record)
 * @param staleWrites every write whose read another client's write had superseded
 * @param overlaps every pair of holds that overlapped
 * @param faults what each fault did, in order
 * @param failures iterations that ended in an exception
 * @param timeouts iterations that did not get the lock in time
 */
public record WorkloadReport(String system, long acknowledged, long finalCounter, long lostUpdates,
		long unacknowledged, List<StaleWrite> staleWrites, List<Overlap> overlaps, List<FaultResult> faults,
		long failures, long timeouts) {

	/** The table's header, for {@link #markdownRows()}. */
	public static final String MARKDOWN_HEADER = """
			| system | fault | injected | lost updates | stale writes | overlaps | fault → next grant (s) | fenced before granted | hold outlived pause |
			|---|---|---|---|---|---|---|---|---|
			""";

	/**
	 * Lost updates in the time of each fault, summed by kind.
	 * @return fault kind to lost updates
	 */
	public Map<String, Long> lostUpdatesByFault() {
		return this.faults.stream()
			.collect(Collectors.groupingBy((result) -> result.fault().kind(), LinkedHashMap::new,
					Collectors.summingLong(FaultResult::lostUpdates)));
	}

	/**
	 * One markdown row per fault kind, in the order the kinds first struck, then one for the
	 * whole run.
	 * @return the rows, each ending with a newline
	 */
	public String markdownRows() {
		Map<String, List<FaultResult>> byKind = this.faults.stream()
			.collect(Collectors.groupingBy((result) -> result.fault().kind(), LinkedHashMap::new, Collectors.toList()));
		StringBuilder rows = new StringBuilder();
		byKind.forEach((kind, results) -> {
			rows.append("| ").append(this.system).append(" | ").append(kind).append(" | ").append(results.size());
			rows.append(" | ").append(results.stream().mapToLong(FaultResult::lostUpdates).sum());
			rows.append(" | ").append(results.stream().mapToLong((result) -> result.staleWrites().size()).sum());
			rows.append(" | ").append(results.stream().mapToLong((result) -> result.overlaps().size()).sum());
			rows.append(" | ").append(seconds(results));
			rows.append(" | ").append(verdict(results.stream().map(FaultResult::fencedBeforeGranted).toList()));
			rows.append(" | ").append(verdict(results.stream().map(FaultResult::holdOutlivedPause).toList()));
			rows.append(" |\n");
		});
		rows.append("| ").append(this.system).append(" | whole run | ").append(this.faults.size());
		rows.append(" | ").append(this.lostUpdates).append(" (").append(this.acknowledged).append(" acknowledged, counter ")
			.append(this.finalCounter);
		if (this.unacknowledged > 0) {
			rows.append(", ").append(this.unacknowledged).append(" unacknowledged");
		}
		rows.append(") | ").append(this.staleWrites.size());
		rows.append(" | ").append(this.overlaps.size()).append(" | | | |\n");
		return rows.toString();
	}

	/**
	 * A few lines for a test's output: totals, and every overlap and fault result.
	 * @return the summary
	 */
	public String describe() {
		List<String> lines = new ArrayList<>();
		lines.add(this.system + ": " + this.acknowledged + " acknowledged, counter " + this.finalCounter + ", lost "
				+ this.lostUpdates + ", unacknowledged " + this.unacknowledged + ", stale writes "
				+ this.staleWrites.size() + ", overlaps " + this.overlaps.size() + ", failed iterations " + this.failures
				+ ", timeouts " + this.timeouts);
		for (FaultResult result : this.faults) {
			lines.add("  " + result.fault().format() + " -> lost " + result.lostUpdates() + ", stale writes "
					+ result.staleWrites().size() + ", overlaps " + result.overlaps().size() + ", next grant +"
					+ result.nextGrantMillis() + " ms, fenced before granted " + result.fencedBeforeGranted()
					+ ", hold outlived pause " + result.holdOutlivedPause());
		}
		for (StaleWrite write : this.staleWrites) {
			lines.add("  stale write: " + write);
		}
		for (Overlap overlap : this.overlaps) {
			lines.add("  overlap " + overlap.millis() + " ms: " + overlap.first() + " / " + overlap.second());
		}
		return String.join("\n", lines);
	}

	private static String seconds(List<FaultResult> results) {
		return results.stream()
			.map(FaultResult::nextGrantMillis)
			.map((millis) -> (millis != null) ? String.format("%.1f", millis / 1000.0) : "none")
			.collect(Collectors.joining(", "));
	}

	private static String verdict(List<Boolean> verdicts) {
		List<Boolean> applicable = verdicts.stream().filter(Objects::nonNull).toList();
		if (applicable.isEmpty()) {
			return "";
		}
		long yes = applicable.stream().filter(Boolean::booleanValue).count();
		return (yes == applicable.size()) ? "yes" : "NO (" + (applicable.size() - yes) + " of " + applicable.size() + ")";
	}

}
