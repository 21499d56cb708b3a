package io.github.dlm.cluster.workload;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One client's history file on the share: a line per event,
 * {@code <host epoch nanos> <event> i=<iteration> [value=<n>] [detail]}, each appended as it
 * happens (a client killed in the middle leaves at most a partial last line, which
 * {@link HistoryEvent#parse} skips).
 */
final class History {

	private final Path file;

	private final HostClock clock;

	History(Path file, HostClock clock) {
		this.file = file;
		this.clock = clock;
	}

	/**
	 * Stamps an event with the host's clock and appends it.
	 * @param event the event's name
	 * @param iteration the client's iteration
	 * @param rest more {@code key=value} fields, or empty
	 * @return the stamp
	 */
	long record(String event, long iteration, String rest) throws IOException {
		long now = this.clock.nanos();
		String line = now + " " + event + " i=" + iteration + (rest.isEmpty() ? "" : " " + rest) + "\n";
		Files.writeString(this.file, line, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
				StandardOpenOption.APPEND);
		return now;
	}

}
