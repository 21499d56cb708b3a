package io.github.dlm.lock;

/**
 * Told that a {@link DlmLock} held by a thread of this process blocks another request for
 * the same resource, from this process or any other: the DLM blocking callback (BAST)
 * surfaced at the lock level.
 * <p>
 * Called on the backend's dispatcher thread: return quickly, never wait for a lock there,
 * and hand any real work to another thread. A callback may arrive just after the holder
 * released the lock, so treat it as a hint.
 */
@FunctionalInterface
public interface DlmLockBlockingListener {

	/**
	 * A lock held by {@code holder} blocks someone else's request.
	 * @param lock the lock that blocks
	 * @param key the key the lock was obtained with
	 * @param holder the thread holding it
	 */
	void blocking(DlmLock lock, Object key, Thread holder);

}
