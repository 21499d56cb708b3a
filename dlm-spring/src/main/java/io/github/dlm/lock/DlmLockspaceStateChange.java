package io.github.dlm.lock;

import java.time.Instant;
import java.util.List;

import org.jspecify.annotations.Nullable;

import io.github.dlm.core.DlmLockspaceCondition;
import io.github.dlm.core.DlmLockspaceState;

/**
 * A lockspace changed {@linkplain DlmLockspaceState state} on this node, as a
 * {@link DlmLockRegistry} watching it saw it, with the locks this process held there
 * through the registry at that moment: those whose exclusion is {@linkplain #isInDoubt()
 * in doubt} from now on, or confirmed again.
 *
 * @param lockspace the lockspace name
 * @param previous the condition seen before, or {@code null} if watching began with the
 * lockspace already in doubt
 * @param current the condition seen now
 * @param holds the holds of the registry when the change was seen, oldest first
 * @param seenAt when the change was seen (at most one poll interval after it happened)
 */
public record DlmLockspaceStateChange(String lockspace, @Nullable DlmLockspaceCondition previous,
		DlmLockspaceCondition current, List<DlmHoldInfo> holds, Instant seenAt) {

	/**
	 * Creates a change.
	 * @param lockspace the lockspace name
	 * @param previous the condition seen before, or {@code null}
	 * @param current the condition seen now
	 * @param holds the holds when the change was seen
	 * @param seenAt when it was seen
	 */
	public DlmLockspaceStateChange {
		holds = List.copyOf(holds);
	}

	/**
	 * Whether the locks in {@link #holds()} are in doubt now: the lockspace is not running.
	 * @return {@code true} unless the current state is {@link DlmLockspaceState#RUNNING}
	 */
	public boolean isInDoubt() {
		return this.current.isInDoubt();
	}

	/**
	 * What happened, in the words of the events: {@code recovery started}, {@code recovery
	 * ended}, {@code quorum lost}, {@code quorum regained, recovery under way},
	 * {@code quorum regained, recovery ended} or {@code lockspace left}.
	 * @return the summary
	 */
	public String summary() {
		boolean fromNoQuorum = this.previous != null && this.previous.state() == DlmLockspaceState.NO_QUORUM;
		return switch (this.current.state()) {
			case RUNNING -> fromNoQuorum ? "quorum regained, recovery ended" : "recovery ended";
			case RECOVERING -> fromNoQuorum ? "quorum regained, recovery under way" : "recovery started";
			case NO_QUORUM -> "quorum lost";
			case LEFT -> "lockspace left";
		};
	}

	@Override
	public String toString() {
		return "Lockspace '" + this.lockspace + "': " + summary() + " (" + this.current + "), " + this.holds.size()
				+ ((this.holds.size() == 1) ? " lock" : " locks") + " held here" + (isInDoubt() ? ", in doubt" : "");
	}

}
