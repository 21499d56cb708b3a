package io.github.dlm.autoconfigure;

import io.github.dlm.lock.DlmLockRegistries;
import io.github.dlm.lock.DlmLockspaceStateChange;

/**
 * A lockspace runs again on this node after a {@link DlmLockInDoubtEvent}: recovery ended
 * ({@code recovery ended}, or {@code quorum regained, recovery ended}), this node is still
 * a member, and the locks listed were kept through it: the lock manager rebuilt them, so
 * they exclude others again as before.
 */
public final class DlmLockConfirmedEvent extends DlmLockspaceStateEvent {

	/**
	 * Creates the event.
	 * @param source the registries whose lockspace changed
	 * @param change the change, no longer in doubt
	 */
	public DlmLockConfirmedEvent(DlmLockRegistries source, DlmLockspaceStateChange change) {
		super(source, change);
	}

}
