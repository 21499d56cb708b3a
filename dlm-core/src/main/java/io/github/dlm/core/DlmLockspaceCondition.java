package io.github.dlm.core;

import java.util.Objects;

/**
 * A lockspace's {@linkplain DlmLockspaceState state} on this node and the lock manager's
 * own words for why: what was read and where, such as
 * {@code recover_status 0x0; dlm_controld: wait quorum}.
 *
 * @param state the state
 * @param cause what the state was read from, for people; not meant to be parsed
 */
public record DlmLockspaceCondition(DlmLockspaceState state, String cause) {

	/**
	 * Creates a condition.
	 * @param state the state
	 * @param cause what the state was read from
	 */
	public DlmLockspaceCondition {
		Objects.requireNonNull(state, "State must not be null");
		Objects.requireNonNull(cause, "Cause must not be null");
	}

	/**
	 * A running lockspace.
	 * @param cause what that was read from
	 * @return the condition
	 */
	public static DlmLockspaceCondition running(String cause) {
		return new DlmLockspaceCondition(DlmLockspaceState.RUNNING, cause);
	}

	/**
	 * Whether locks held in this condition are in doubt.
	 * @return {@code true} unless {@link DlmLockspaceState#RUNNING}
	 * @see DlmLockspaceState#isInDoubt()
	 */
	public boolean isInDoubt() {
		return this.state.isInDoubt();
	}

	@Override
	public String toString() {
		return this.state + " (" + this.cause + ")";
	}

}
