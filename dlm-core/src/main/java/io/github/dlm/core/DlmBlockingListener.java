package io.github.dlm.core;

/**
 * Receives blocking callbacks (BASTs): a lock this process holds blocks someone else's
 * request or conversion.
 * <p>
 * Called on the backend's dispatcher thread: return quickly and never wait for a lock
 * there; hand work to another thread instead. The userspace DLM API does not say which mode
 * the other request wants.
 */
@FunctionalInterface
public interface DlmBlockingListener {

	/**
	 * The given lock blocks another request.
	 * @param lock the lock that blocks
	 */
	void blocking(DlmLockHandle lock);

}
