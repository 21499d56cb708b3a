package io.github.dlm.lock;

import java.time.Instant;

import org.springframework.util.Assert;

/**
 * When and where a job guarded by a lock last ran, as a {@link DlmRunRecord} keeps it.
 *
 * @param startedAt when the run started, by the wall clock of the node that ran it, to the
 * millisecond
 * @param node the node that ran it (its configured id or host name; the first
 * {@value DlmRunRecord#MAX_NODE_BYTES} bytes of it in UTF-8)
 */
public record DlmLastRun(Instant startedAt, String node) {

	public DlmLastRun {
		Assert.notNull(startedAt, "Start time must not be null");
		Assert.notNull(node, "Node must not be null");
	}

}
