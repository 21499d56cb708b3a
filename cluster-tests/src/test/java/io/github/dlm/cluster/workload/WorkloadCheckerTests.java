package io.github.dlm.cluster.workload;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.github.dlm.cluster.workload.WorkloadChecker.FaultResult;
import io.github.dlm.cluster.workload.WorkloadChecker.StaleWrite;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link WorkloadChecker} on hand-made histories. Times are host milliseconds in
 * the histories' nanoseconds.
 */
class WorkloadCheckerTests {

	private final List<HistoryEvent> events = new ArrayList<>();

	@Test
	void cleanHandOversHaveNoLostUpdatesAndNoOverlaps() {
		section("n1-a-1", 1, 100, 0, 110);
		section("n2-b-1", 1, 110, 1, 120);
		section("n1-a-1", 2, 130, 2, 140);
		WorkloadReport report = WorkloadChecker.check("dlm", this.events, 3, List.of());
		assertThat(report.acknowledged()).isEqualTo(3);
		assertThat(report.lostUpdates()).isZero();
		assertThat(report.unacknowledged()).isZero();
		assertThat(report.overlaps()).as("a grant stamped at the same tick as the release does not overlap")
			.isEmpty();
		assertThat(report.staleWrites()).as("a read stamped at the same tick as the last write is not stale").isEmpty();
	}

	@Test
	void twoHoldersReadingTheSameValueLoseAnUpdateAndOverlap() {
		section("n1-a-1", 1, 100, 0, 110);
		section("n2-b-1", 1, 105, 0, 115);
		WorkloadReport report = WorkloadChecker.check("redis", this.events, 1, List.of());
		assertThat(report.lostUpdates()).isEqualTo(1);
		assertThat(report.overlaps()).singleElement().satisfies((overlap) -> {
			assertThat(overlap.first().client()).isEqualTo("n1-a-1");
			assertThat(overlap.second().client()).isEqualTo("n2-b-1");
			assertThat(overlap.millis()).isEqualTo(5);
		});
		assertThat(report.staleWrites()).singleElement().satisfies((stale) -> {
			assertThat(stale.write().client()).isEqualTo("n2-b-1");
			assertThat(stale.superseded().client()).isEqualTo("n1-a-1");
			assertThat(stale.rolledBack()).isEqualTo(1);
		});
	}

	@Test
	void staleWriteAfterAPauseCountsEveryIncrementItOverwrote() {
		// paused after reading 0, the client writes 1 over 3, acknowledged at 20,000
		section("n1-a-1", 1, 100, 0, 20_000);
		section("n2-b-1", 1, 10_000, 0, 10_010);
		section("n2-b-1", 2, 10_020, 1, 10_030);
		section("n2-b-1", 3, 10_040, 2, 10_050);
		WorkloadReport report = WorkloadChecker.check("redis-short", this.events, 1,
				List.of(new Fault("pause-jvm", 1, "n1-a-1", 1_000, 19_990, null)));
		assertThat(report.acknowledged()).isEqualTo(4);
		assertThat(report.lostUpdates()).as("1 written twice, and 2 and 3 lost under it: counter 1 after 4 increments")
			.isEqualTo(3);
		assertThat(report.overlaps()).hasSize(3);
		assertThat(report.staleWrites()).singleElement().satisfies((stale) -> {
			assertThat(stale.write().client()).isEqualTo("n1-a-1");
			assertThat(stale.rolledBack()).isEqualTo(3);
		});
		FaultResult pause = report.faults().get(0);
		assertThat(pause.lostUpdates()).isEqualTo(1);
		assertThat(pause.staleWrites()).hasSize(1);
		assertThat(pause.holdOutlivedPause()).isTrue();
		assertThat(pause.nextGrantMillis()).isEqualTo(9_000);
		assertThat(report.markdownRows()).contains("| redis-short | pause-jvm | 1 | 1 | 1 | 3 | 9.0 |  | yes |")
			.contains("| redis-short | whole run | 1 | 3 (4 acknowledged, counter 1) | 1 | 3 | | | |");
	}

	@Test
	void rollbackNobodyUndoesIsWrittenAgainAsDuplicatesAfterOneStaleWrite() {
		// paused after reading 0, the client writes 1 over 3; the others go on from 1
		section("n1-a-1", 1, 100, 0, 20_000);
		section("n2-b-1", 1, 10_000, 0, 10_010);
		section("n2-b-1", 2, 10_020, 1, 10_030);
		section("n3-c-1", 1, 10_040, 2, 10_050);
		section("n2-b-1", 3, 20_100, 1, 20_110);
		section("n3-c-1", 2, 20_120, 2, 20_130);
		WorkloadReport report = WorkloadChecker.check("jdbc-default", this.events, 3,
				List.of(new Fault("pause-jvm", 1, "n1-a-1", 1_000, 19_990, null)));
		assertThat(report.acknowledged()).isEqualTo(6);
		assertThat(report.lostUpdates()).as("6 acknowledged, counter 3").isEqualTo(3);
		assertThat(report.staleWrites()).as("the writes after the rollback read the value it left")
			.singleElement()
			.satisfies((stale) -> {
				assertThat(stale.write().client()).isEqualTo("n1-a-1");
				assertThat(stale.superseded().client()).isEqualTo("n3-c-1");
				assertThat(stale.rolledBack()).isEqualTo(3);
			});
		assertThat(report.overlaps()).as("the paused hold with each hold granted in its time").hasSize(3);
		assertThat(report.markdownRows())
			.contains("| jdbc-default | whole run | 1 | 3 (6 acknowledged, counter 3) | 1 | 3 | | | |");
	}

	@Test
	void rollbackUndoneByAHolderThatReadBeforeItLosesOneIncrement() {
		// paused after reading 0, the client writes 1 over 3 while another holder has read 3
		section("n1-a-1", 1, 100, 0, 20_000);
		section("n2-b-1", 1, 10_000, 0, 10_010);
		section("n2-b-1", 2, 10_020, 1, 10_030);
		section("n2-b-1", 3, 10_040, 2, 10_050);
		section("n2-b-1", 4, 19_990, 3, 20_010);
		WorkloadReport report = WorkloadChecker.check("redis-default", this.events, 4,
				List.of(new Fault("pause-jvm", 1, "n1-a-1", 1_000, 19_980, null)));
		assertThat(report.lostUpdates()).as("5 acknowledged, counter 4").isEqualTo(1);
		assertThat(report.staleWrites()).extracting(StaleWrite::rolledBack)
			.as("the paused client's write rolls back 3, the other's write over it gives 2 back")
			.containsExactly(3L, -2L);
		assertThat(report.overlaps()).hasSize(4);
	}

	@Test
	void clientKilledBetweenWriteAndItsRecordIsUnacknowledgedNotLost() {
		section("n1-a-1", 1, 100, 0, 110);
		this.events.add(event(120, "n2-b-1", "grant", 1, null));
		this.events.add(event(121, "n2-b-1", "read", 1, 1L));
		section("n3-c-1", 1, 200, 2, 210);
		WorkloadReport report = WorkloadChecker.check("dlm", this.events, 3,
				List.of(new Fault("kill-jvm", 2, "n2-b-1", 122, 150, null)));
		assertThat(report.lostUpdates()).isZero();
		assertThat(report.unacknowledged()).isEqualTo(1);
		assertThat(report.overlaps()).isEmpty();
		assertThat(report.faults().get(0).nextGrantMillis()).isEqualTo(78);
	}

	@Test
	void holdCutShortByDeathEndsAtItsLastStampAndStillShowsAnOverlap() {
		this.events.add(event(100, "n3-a-1", "grant", 1, null));
		this.events.add(event(101, "n3-a-1", "read", 1, 0L));
		this.events.add(event(102, "n3-a-1", "linger", 1, null));
		this.events.add(event(5_000, "n3-a-1", "lingered", 1, null));
		section("n1-b-1", 1, 4_000, 0, 4_010);
		List<Hold> holds = WorkloadChecker.holds(this.events);
		assertThat(holds).first().satisfies((hold) -> {
			assertThat(hold.released()).isFalse();
			assertThat(hold.endNanos()).isEqualTo(5_000_000_000L);
		});
		WorkloadReport report = WorkloadChecker.check("lease", this.events, 1, List.of());
		assertThat(report.overlaps()).hasSize(1);
	}

	@Test
	void partitionedHolderFencedBeforeAnotherNodeIsGranted() {
		this.events.add(event(100, "n3-a-1", "grant", 1, null));
		this.events.add(event(101, "n3-a-1", "read", 1, 0L));
		this.events.add(event(102, "n3-a-1", "linger", 1, null));
		this.events.add(event(900, "n3-b-1", "invoke", 1, null));
		section("n1-b-1", 1, 26_000, 0, 26_010);
		Fault partition = new Fault("partition", 3, "n3-a-1", 1_000, 90_000, 25_000L);
		FaultResult result = WorkloadChecker.check("dlm", this.events, 1, List.of(partition)).faults().get(0);
		assertThat(result.fencedBeforeGranted()).isTrue();
		assertThat(result.nextGrantMillis()).isEqualTo(25_000);
	}

	@Test
	void grantOnAnotherNodeBeforeTheFenceIsReported() {
		this.events.add(event(100, "n3-a-1", "grant", 1, null));
		this.events.add(event(101, "n3-a-1", "read", 1, 0L));
		this.events.add(event(102, "n3-a-1", "linger", 1, null));
		section("n1-b-1", 1, 12_000, 0, 12_010);
		Fault partition = new Fault("partition", 3, "n3-a-1", 1_000, 90_000, 25_000L);
		WorkloadReport report = WorkloadChecker.check("lease", this.events, 1, List.of(partition));
		assertThat(report.faults().get(0).fencedBeforeGranted()).isFalse();
		// the cut-off holder's measured hold ends at its last stamp: no measured overlap
		assertThat(report.markdownRows()).contains("| lease | partition | 1 | 0 | 0 | 0 | 11.0 | NO (1 of 1) |  |");
	}

	@Test
	void fencedBeforeGrantedDoesNotApplyWhenTheFaultHitANodeThatHeldNothing() {
		section("n1-b-1", 1, 100, 0, 110);
		section("n1-b-1", 2, 2_000, 1, 2_010);
		Fault kill = new Fault("kill-node", 3, null, 1_000, 90_000, 25_000L);
		FaultResult result = WorkloadChecker.check("dlm", this.events, 2, List.of(kill)).faults().get(0);
		assertThat(result.fencedBeforeGranted()).isNull();
		assertThat(result.holdOutlivedPause()).isNull();
	}

	@Test
	void pauseThatOutlastsTheHoldIsReported() {
		section("n1-a-1", 1, 100, 0, 5_000);
		Fault pause = new Fault("pause-jvm", 1, "n1-a-1", 1_000, 20_000, null);
		FaultResult result = WorkloadChecker.check("x", this.events, 1, List.of(pause)).faults().get(0);
		assertThat(result.holdOutlivedPause()).isFalse();
	}

	@Test
	void lostUpdatesAndOverlapsGoToTheFaultInWhoseTimeTheyHappen() {
		section("n1-a-1", 1, 100, 0, 110);
		section("n1-a-1", 2, 2_000, 1, 2_100);
		section("n2-b-1", 1, 2_050, 1, 2_150);
		List<Fault> faults = List.of(new Fault("clock-forward", 2, null, 1_000, 1_100, null),
				new Fault("clock-back", 2, null, 3_000, 3_100, null));
		WorkloadReport report = WorkloadChecker.check("x", this.events, 2, faults);
		assertThat(report.faults().get(0).lostUpdates()).isEqualTo(1);
		assertThat(report.faults().get(0).overlaps()).hasSize(1);
		assertThat(report.faults().get(1).lostUpdates()).isZero();
		assertThat(report.faults().get(1).nextGrantMillis()).isNull();
		assertThat(report.lostUpdatesByFault()).containsEntry("clock-forward", 1L).containsEntry("clock-back", 0L);
	}

	@Test
	void historyLinesAndFaultLinesRoundTrip() {
		List<HistoryEvent> parsed = HistoryEvent.parse("n2-x-1",
				List.of("17 start i=0 pid=42 system=dlm-registry", "18 grant i=1", "19 read i=1 value=7",
						"20 fail i=2 error=IllegalStateException", "21 wri"));
		assertThat(parsed).extracting(HistoryEvent::event).containsExactly("start", "grant", "read", "fail");
		assertThat(parsed.get(2).value()).isEqualTo(7L);
		assertThat(HistoryEvent.nodeOf("n2-x-1")).isEqualTo(2);
		Fault fault = new Fault("partition", 3, "n3-dlm-registry-1", 10, 20, 15L);
		Fault unaimed = new Fault("clock-back", 1, null, 30, 40, null);
		assertThat(Fault.parse(List.of(fault.format(), unaimed.format(), "# comment"))).containsExactly(fault, unaimed);
	}

	/** A complete section: grant, read, write (acknowledged at the release's time), release. */
	private void section(String client, long iteration, long grantMillis, long read, long releaseMillis) {
		this.events.add(event(grantMillis, client, "grant", iteration, null));
		this.events.add(event(grantMillis, client, "read", iteration, read));
		this.events.add(event(releaseMillis, client, "write", iteration, read + 1));
		this.events.add(event(releaseMillis, client, "release", iteration, null));
	}

	private static HistoryEvent event(long millis, String client, String event, long iteration, Long value) {
		return new HistoryEvent(millis * 1_000_000, client, event, iteration, value);
	}

}
