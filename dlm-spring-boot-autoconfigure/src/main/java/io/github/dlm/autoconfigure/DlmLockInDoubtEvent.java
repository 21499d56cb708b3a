package io.github.dlm.autoconfigure;

import io.github.dlm.lock.DlmLockRegistries;
import io.github.dlm.lock.DlmLockspaceStateChange;

/**
 * The locks this process holds in a lockspace are in doubt: on this node the lockspace
 * stopped for recovery ({@code recovery started}), waits for quorum ({@code quorum lost},
 * or {@code quorum regained, recovery under way} while still recovering), or is gone
 * ({@code lockspace left}); see {@link DlmLockspaceStateChange#summary()}. Until a
 * {@link DlmLockConfirmedEvent} follows, a holder cannot be sure that nobody else holds
 * what it holds: with fencing on, another part of the cluster may be about to fence this
 * node and hand its locks on. What to do (stop writing to what the locks protect, refuse
 * work) is the application's; the locks themselves stay held as far as this process knows.
 */
public final class DlmLockInDoubtEvent extends DlmLockspaceStateEvent {

	/**
	 * Creates the event.
	 * @param source the registries whose lockspace changed
	 * @param change the change, {@linkplain DlmLockspaceStateChange#isInDoubt() in doubt}
	 */
	public DlmLockInDoubtEvent(DlmLockRegistries source, DlmLockspaceStateChange change) {
		super(source, change);
	}

}
