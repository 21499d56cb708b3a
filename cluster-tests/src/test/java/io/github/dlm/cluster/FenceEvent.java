package io.github.dlm.cluster;

import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One line of the harness's fence log ({@code fence.log} in the cluster's state directory,
 * written by {@code cluster/fence-watcher.sh}): a node asked the harness to fence another, or
 * the harness did, or refused.
 * @param kind what happened
 * @param node the victim
 * @param atMillis when, in epoch milliseconds of the host clock
 * @param line the whole log line
 */
public record FenceEvent(Kind kind, int node, long atMillis, String line) {

	private static final Pattern LINE = Pattern
		.compile("^(fence requested for node|fenced node|fence refused for node) (\\d+) at (\\d+)\\b.*");

	/**
	 * The events of a fence log, in order; lines of another form are left out.
	 * @param lines the log's lines
	 * @return the events
	 */
	static List<FenceEvent> parse(List<String> lines) {
		return lines.stream().map(FenceEvent::parse).flatMap(Optional::stream).toList();
	}

	private static Optional<FenceEvent> parse(String line) {
		Matcher matcher = LINE.matcher(line);
		if (!matcher.matches()) {
			return Optional.empty();
		}
		Kind kind = switch (matcher.group(1)) {
			case "fence requested for node" -> Kind.REQUESTED;
			case "fenced node" -> Kind.FENCED;
			default -> Kind.REFUSED;
		};
		return Optional.of(new FenceEvent(kind, Integer.parseInt(matcher.group(2)), Long.parseLong(matcher.group(3)),
				line));
	}

	/**
	 * What a fence log line says.
	 */
	public enum Kind {

		/** A node's fence agent asked the harness to fence the node. */
		REQUESTED,

		/** The harness has powered the node off (killed its qemu), or found it dead. */
		FENCED,

		/** The harness did not carry a request out (no such node, requester down). */
		REFUSED

	}

}
