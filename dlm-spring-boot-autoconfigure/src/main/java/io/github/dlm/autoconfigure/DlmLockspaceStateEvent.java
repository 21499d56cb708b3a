package io.github.dlm.autoconfigure;

import java.util.List;

import io.github.dlm.core.DlmLockspaceCondition;
import io.github.dlm.lock.DlmHoldInfo;
import io.github.dlm.lock.DlmLockRegistries;
import io.github.dlm.lock.DlmLockspaceStateChange;

import org.springframework.context.ApplicationEvent;

/**
 * A lockspace of the application changed state on this node: the common type of
 * {@link DlmLockInDoubtEvent} (its locks fall in doubt) and {@link DlmLockConfirmedEvent}
 * (they are confirmed again). Listen to this type for both. Published on the registry's
 * watch thread (see {@link io.github.dlm.lock.DlmLockRegistry#addLockInDoubtListener}).
 */
public abstract sealed class DlmLockspaceStateEvent extends ApplicationEvent
		permits DlmLockInDoubtEvent, DlmLockConfirmedEvent {

	private final DlmLockspaceStateChange change;

	/**
	 * Creates an event.
	 * @param source the registries whose lockspace changed
	 * @param change the change
	 */
	DlmLockspaceStateEvent(DlmLockRegistries source, DlmLockspaceStateChange change) {
		super(source);
		this.change = change;
	}

	/**
	 * The change as the registry saw it.
	 * @return the change
	 */
	public DlmLockspaceStateChange getChange() {
		return this.change;
	}

	/**
	 * The lockspace's name.
	 * @return the name
	 */
	public String getLockspace() {
		return this.change.lockspace();
	}

	/**
	 * The lockspace's condition now: its state and the lock manager's words for why.
	 * @return the condition
	 */
	public DlmLockspaceCondition getCondition() {
		return this.change.current();
	}

	/**
	 * The locks this process held in the lockspace when the change was seen (key, mode,
	 * thread...), oldest first.
	 * @return the holds
	 */
	public List<DlmHoldInfo> getHolds() {
		return this.change.holds();
	}

	@Override
	public String toString() {
		return getClass().getSimpleName() + "[" + this.change + "]";
	}

}
