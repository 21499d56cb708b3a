package io.github.dlm.local;

import java.util.Set;

import io.github.dlm.core.DlmFlag;
import io.github.dlm.core.DlmMode;
import io.github.dlm.core.DlmResourceName;

/**
 * Decides whether a {@link GatedEngine} may grant a lock that its queues would grant: the
 * hook through which node-level caching ({@code io.github.dlm.caching}) lets the engine
 * arbitrate one node's holders only within the mode its node lock covers.
 * <p>
 * Called under the engine's lock, possibly several times for one waiting lock: it must be
 * quick, must not call the engine, and must not wait. A lock told to
 * {@link Decision#WAIT} stays queued (ahead of later requests, as any waiter) until the gate
 * calls {@link GatedEngine#regrant} or {@link GatedEngine#endGated}.
 */
@FunctionalInterface
public interface LockGate {

	/**
	 * Decides a grant.
	 * @param lock the lock to be granted
	 * @param resource its resource
	 * @param mode the mode it would be granted
	 * @param flags the flags of the request (such as {@link DlmFlag#NOQUEUE}); not to be
	 * modified
	 * @return the decision
	 */
	Decision admit(LocalLockHandle lock, DlmResourceName resource, DlmMode mode, Set<DlmFlag> flags);

	/**
	 * What the gate decided.
	 */
	enum Decision {

		/** Grant it now. */
		ADMIT,

		/** Keep it queued until the gate says otherwise (a NOQUEUE request too). */
		WAIT,

		/** Do not grant it now: a NOQUEUE request is refused, any other waits in its queue. */
		REFUSE

	}

}
