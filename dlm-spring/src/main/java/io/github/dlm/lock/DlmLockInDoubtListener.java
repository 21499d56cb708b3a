package io.github.dlm.lock;

/**
 * Told when the lockspace of a {@link DlmLockRegistry} changes state on this node: when
 * its locks fall in doubt (recovery started, quorum lost, lockspace left) and when they are
 * confirmed again (recovery ended). Registered with
 * {@link DlmLockRegistry#addLockInDoubtListener}.
 * <p>
 * Called on the registry's watch thread, one change after the other; a listener that
 * blocks delays the next changes, and one that throws is logged and does not stop the
 * others.
 */
@FunctionalInterface
public interface DlmLockInDoubtListener {

	/**
	 * The lockspace changed state.
	 * @param change the change, with the locks this process held there
	 */
	void lockspaceStateChanged(DlmLockspaceStateChange change);

}
