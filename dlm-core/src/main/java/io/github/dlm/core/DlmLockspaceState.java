package io.github.dlm.core;

/**
 * What this node's lock manager says about a lockspace: whether its locks can be trusted
 * to exclude others right now. Read through {@link DlmLockspace#condition()}.
 * <p>
 * Only {@link #RUNNING} means the lock manager is serving the lockspace with a settled
 * membership. In every other state a lock this node holds is <em>in doubt</em>: the lock
 * manager does not grant anything until recovery ends, and another node may already have
 * decided that this node failed (with fencing on, this node may be fenced).
 */
public enum DlmLockspaceState {

	/**
	 * The lockspace is running: its last recovery has ended and no membership change is
	 * pending.
	 */
	RUNNING,

	/**
	 * The lockspace is stopped for recovery: a member joined, left or failed, and the lock
	 * manager rebuilds the lockspace once the change is settled (a failed member fenced,
	 * the other members' messages in). Requests wait until it ends.
	 */
	RECOVERING,

	/**
	 * The lockspace is stopped and waits for quorum: this node is in a part of the cluster
	 * that has too few votes. Nothing moves until quorum comes back; meanwhile the quorate
	 * part may fence this node and take its locks.
	 */
	NO_QUORUM,

	/**
	 * This node is no longer in the lockspace: the lock manager has no lockspace of this
	 * name here although the application still has it open (it was released by force, or
	 * the lock manager was stopped). Its locks are gone.
	 */
	LEFT;

	/**
	 * Whether a lock held in this state can no longer be trusted to exclude others.
	 * @return {@code true} for every state but {@link #RUNNING}
	 */
	public boolean isInDoubt() {
		return this != RUNNING;
	}

}
