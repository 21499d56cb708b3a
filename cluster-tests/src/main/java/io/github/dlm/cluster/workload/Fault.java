package io.github.dlm.cluster.workload;

import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * A fault the scheduler injected, as it records it in the run directory ({@code faults.txt},
 * one {@link #format() line} each).
 * @param kind what was done: {@code partition}, {@code pause-node}, {@code pause-jvm},
 * {@code kill-jvm}, {@code kill-node}, {@code clock-forward} or {@code clock-back}
 * @param node the node it hit
 * @param client the client it hit or whose lock it was aimed at (the one made to hold the lock
 * then), or {@code null}
 * @param startMillis host epoch milliseconds just before the fault was injected
 * @param endMillis host epoch milliseconds when it was over (healed, resumed, restarted, the
 * held lock let go), at least {@code startMillis}
 * @param fencedMillis when the harness fenced {@code node} for it (the fence log), or
 * {@code null} if it was not fenced
 */
public record Fault(String kind, int node, @Nullable String client, long startMillis, long endMillis,
		@Nullable Long fencedMillis) {

	private static final Pattern LINE = Pattern
		.compile("^fault kind=(\\S+) node=(\\d+) client=(\\S+) start=(\\d+) end=(\\d+) fenced=(\\S+)$");

	/**
	 * The fault as a line of {@code faults.txt}.
	 * @return the line
	 */
	public String format() {
		return "fault kind=" + this.kind + " node=" + this.node + " client=" + ((this.client != null) ? this.client : "-")
				+ " start=" + this.startMillis + " end=" + this.endMillis + " fenced="
				+ ((this.fencedMillis != null) ? this.fencedMillis : "-");
	}

	/**
	 * Parses the lines of {@code faults.txt}.
	 * @param lines the lines
	 * @return the faults, in order
	 */
	public static List<Fault> parse(List<String> lines) {
		return lines.stream().map(Fault::parse).flatMap(Optional::stream).toList();
	}

	private static Optional<Fault> parse(String line) {
		Matcher matcher = LINE.matcher(line.trim());
		if (!matcher.matches()) {
			return Optional.empty();
		}
		String client = matcher.group(3);
		String fenced = matcher.group(6);
		return Optional.of(new Fault(matcher.group(1), Integer.parseInt(matcher.group(2)),
				client.equals("-") ? null : client, Long.parseLong(matcher.group(4)), Long.parseLong(matcher.group(5)),
				fenced.equals("-") ? null : Long.valueOf(fenced)));
	}

}
