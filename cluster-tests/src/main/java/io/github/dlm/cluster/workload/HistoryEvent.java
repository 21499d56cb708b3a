package io.github.dlm.cluster.workload;

import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * One line of a client's history (see {@link WorkloadNode}).
 * @param nanos the host's epoch time in nanoseconds
 * @param client the client that recorded it
 * @param event {@code start}, {@code invoke}, {@code grant}, {@code read}, {@code linger},
 * {@code lingered}, {@code write}, {@code release}, {@code ok}, {@code timeout}, {@code fail}
 * or {@code stop}
 * @param iteration the client's iteration
 * @param value the counter value read or written, for {@code read} and {@code write}
 */
public record HistoryEvent(long nanos, String client, String event, long iteration, @Nullable Long value) {

	private static final Pattern LINE = Pattern.compile("^(\\d+) ([a-z]+) i=(\\d+)(?: value=(\\d+))?(?: .*)?$");

	/**
	 * Parses a client's history, skipping lines that are not complete events (the last line
	 * of a client killed while writing it).
	 * @param client the client
	 * @param lines the history's lines
	 * @return the events, in order
	 */
	public static List<HistoryEvent> parse(String client, List<String> lines) {
		return lines.stream().map((line) -> parse(client, line)).flatMap(Optional::stream).toList();
	}

	private static Optional<HistoryEvent> parse(String client, String line) {
		Matcher matcher = LINE.matcher(line);
		if (!matcher.matches()) {
			return Optional.empty();
		}
		String value = matcher.group(4);
		return Optional.of(new HistoryEvent(Long.parseLong(matcher.group(1)), client, matcher.group(2),
				Long.parseLong(matcher.group(3)), (value != null) ? Long.valueOf(value) : null));
	}

	/**
	 * The node a client ran on, from its name ({@code n<node>-...}).
	 * @param client the client's name
	 * @return the node, or 0 if the name does not say
	 */
	public static int nodeOf(String client) {
		Matcher matcher = Pattern.compile("^n(\\d+)-.*").matcher(client);
		return matcher.matches() ? Integer.parseInt(matcher.group(1)) : 0;
	}

}
