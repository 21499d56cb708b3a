package io.github.dlm.core;

import org.jspecify.annotations.Nullable;

/**
 * An open DLM lockspace: the namespace in which resource names are locked, shared by every
 * process on every node that opens a lockspace of the same name.
 * <p>
 * Thread-safe. The callbacks of the locks created through one handle are delivered in
 * order, as {@link DlmLockHandle} describes. Closing it cancels every waiting request and releases every lock this
 * handle holds, waits for their completions, then closes (and, if configured, releases)
 * the lockspace.
 */
public interface DlmLockspace extends AutoCloseable {

	/**
	 * The lockspace name.
	 * @return the name
	 */
	String name();

	/**
	 * Creates a lock on a resource, not yet requested: the first
	 * {@link DlmLockHandle#request request} makes it known to the lock manager.
	 * @param resourceName the resource name
	 * @param blockingListener called (on the dispatcher thread) when this lock, while
	 * granted, blocks another request; {@code null} for none
	 * @return the new lock handle
	 * @throws IllegalStateException if the lockspace is closed
	 */
	DlmLockHandle newLock(DlmResourceName resourceName, @Nullable DlmBlockingListener blockingListener);

	/**
	 * Reads the lockspace's condition on this node now, from the lock manager's own signals
	 * (see {@link DlmLockspaceStateSource}), without a request to the lock manager. A
	 * backend that has no such signal reports {@link DlmLockspaceState#RUNNING}, which is
	 * what this default does.
	 * @return the condition
	 */
	default DlmLockspaceCondition condition() {
		return DlmLockspaceCondition.running("this backend does not report lockspace recovery");
	}

	/**
	 * Cancels and releases what this handle still has outstanding and closes it. Idempotent.
	 */
	@Override
	void close();

	/**
	 * Closes this handle as {@link #close()} does, then releases the lockspace on this node
	 * ({@code dlm_release_lockspace}): the node leaves it once no process of the node uses
	 * it. Without {@code force} the lock manager keeps a lockspace in which any lock exists;
	 * with it, the lockspace is removed even so: <b>every other user of the lockspace on
	 * this node loses its locks</b>. An operator action, for a lockspace left behind by
	 * crashed users; not for normal shutdown ({@link LockspaceOptions#releaseOnClose()}).
	 * @param force whether to remove the lockspace even while locks exist in it
	 * @throws UnsupportedOperationException if the backend cannot release lockspaces (this
	 * default); the handle is then left open
	 */
	default void release(boolean force) {
		throw new UnsupportedOperationException("This DLM backend cannot release lockspaces");
	}

}
