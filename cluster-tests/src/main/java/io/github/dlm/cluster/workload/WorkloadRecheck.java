package io.github.dlm.cluster.workload;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Runs {@link WorkloadChecker} again on a finished run's directory (its histories, counter
 * and {@code faults.txt}), for runs checked before the checker learned something new:
 * {@code WorkloadRecheck RUNDIR SYSTEM} prints the run's table rows, then its description.
 * Needs nothing but the module's classes ({@code java -cp cluster-tests/target/classes}).
 */
public final class WorkloadRecheck {

	private WorkloadRecheck() {
	}

	/**
	 * Checks a run directory and prints what the checker finds.
	 * @param args {@code RUNDIR SYSTEM}
	 * @throws IOException if the directory cannot be read
	 */
	public static void main(String[] args) throws IOException {
		if (args.length != 2) {
			System.err.println("usage: WorkloadRecheck RUNDIR SYSTEM");
			System.exit(2);
		}
		Path run = Path.of(args[0]);
		WorkloadReport report = check(run, args[1], Fault.parse(Files.readAllLines(run.resolve("faults.txt"))));
		System.out.print(report.markdownRows());
		System.out.println(report.describe());
	}

	/**
	 * Checks a run directory's histories and counter.
	 * @param run the run directory
	 * @param system the system or systems its clients used, for the report
	 * @param faults the faults injected in the run, in order
	 * @return the checker's report
	 * @throws IOException if the directory cannot be read
	 */
	public static WorkloadReport check(Path run, String system, List<Fault> faults) throws IOException {
		List<HistoryEvent> events = new ArrayList<>();
		try (Stream<Path> files = Files.list(run)) {
			for (Path file : files.filter((file) -> file.getFileName().toString().startsWith("history-")).toList()) {
				String client = file.getFileName().toString().replaceAll("^history-|\\.log$", "");
				events.addAll(HistoryEvent.parse(client, Files.readAllLines(file)));
			}
		}
		return WorkloadChecker.check(system, events, new SharedCounter(run.resolve("counter")).read(), faults);
	}

}
