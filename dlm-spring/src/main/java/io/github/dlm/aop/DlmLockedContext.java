package io.github.dlm.aop;

import java.util.ArrayDeque;
import java.util.Deque;

import org.springframework.core.NamedThreadLocal;

import io.github.dlm.lock.DlmLock;

/**
 * The lock of the {@link DlmLocked @DlmLocked} method running on the current thread, the
 * way {@code TransactionAspectSupport.currentTransactionStatus()} gives the transaction of
 * a {@code @Transactional} one: bound by the advice while the method body runs, so that
 * the method reads its {@linkplain DlmLock#fencingToken() fencing token} without knowing
 * its key.
 * <pre class="code">
 * &#64;DlmLocked(key = "'ledger-' + #id")
 * public void post(long id, Entry entry) {
 *     storage.write(id, entry, DlmLockedContext.currentFencingToken());
 * }
 * </pre>
 * Nested {@code @DlmLocked} methods each see their own lock while they run. A method
 * returning a {@code CompletionStage} or a reactive type sees its lock while its body runs
 * on the calling thread; read the token there and pass it on to the work that completes
 * the result later.
 */
public final class DlmLockedContext {

	private static final ThreadLocal<Deque<DlmLock>> CURRENT = new NamedThreadLocal<>("Current @DlmLocked lock");

	private DlmLockedContext() {
	}

	/**
	 * The lock of the innermost {@code @DlmLocked} method running on this thread.
	 * @return the lock
	 * @throws IllegalStateException if no {@code @DlmLocked} method runs on this thread
	 */
	public static DlmLock currentLock() {
		Deque<DlmLock> locks = CURRENT.get();
		DlmLock lock = (locks != null) ? locks.peek() : null;
		if (lock == null) {
			throw new IllegalStateException("No @DlmLocked method runs on thread '" + Thread.currentThread().getName()
					+ "': DlmLockedContext is bound only while the body of a @DlmLocked method runs, called "
					+ "through its bean's proxy");
		}
		return lock;
	}

	/**
	 * The fencing token of the innermost {@code @DlmLocked} method running on this thread:
	 * {@code currentLock().fencingToken()}.
	 * @return the token
	 * @throws IllegalStateException if no {@code @DlmLocked} method runs on this thread, it
	 * holds its lock in a mode weaker than PW, or its registry issues no fencing tokens
	 * @see DlmLock#fencingToken()
	 */
	public static long currentFencingToken() {
		return currentLock().fencingToken();
	}

	/**
	 * Binds a lock to the current thread until the returned scope is closed.
	 * @param lock the lock of the method about to run
	 * @return the scope, to close on the same thread
	 */
	static Scope bind(DlmLock lock) {
		Deque<DlmLock> locks = CURRENT.get();
		if (locks == null) {
			locks = new ArrayDeque<>(4);
			CURRENT.set(locks);
		}
		locks.push(lock);
		Deque<DlmLock> bound = locks;
		return () -> {
			bound.pop();
			if (bound.isEmpty()) {
				CURRENT.remove();
			}
		};
	}

	/**
	 * Ends a binding.
	 */
	@FunctionalInterface
	interface Scope extends AutoCloseable {

		@Override
		void close();

	}

}
