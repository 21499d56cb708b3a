package io.github.dlm.local;

import java.util.Set;
import java.util.concurrent.CompletableFuture;

import io.github.dlm.core.DlmCompletion;
import io.github.dlm.core.DlmStatus;
import io.github.dlm.core.DlmStatusFlag;

/**
 * Queues completion and blocking callbacks on the dispatcher of the lock's lockspace
 * handle, under the engine's lock, with the kernel's rules for which blocking callbacks to
 * skip ({@code dlm_enqueue_lkb_callback}) and which completions end a lock
 * ({@code lkb_is_endoflife}).
 */
final class Callbacks {

	private Callbacks() {
	}

	/**
	 * Queues the completion of the operation in flight; the completion carries the lock's
	 * granted mode and status flags as they are now. The completion of an operation that
	 * ends during the caller's own {@code request} or {@code unlock} call completes its
	 * future at once instead, if the dispatcher is idle.
	 */
	static void queueCompletion(LockBlock lock, DlmStatus status) {
		int mode = lock.grantedMode;
		if (status == DlmStatus.UNLOCKED || (mode == Modes.IV && status != DlmStatus.GRANTED)) {
			lock.endOfLife = true;
		}
		byte[] valueBlock = (status == DlmStatus.GRANTED && lock.valueBlockRead) ? lock.valueBlock : null;
		lock.valueBlockRead = false;
		// Set.of() is taken as is by the completion's defensive copy; an EnumSet is copied
		Set<DlmStatusFlag> statusFlags = lock.statusFlags.isEmpty() ? Set.of() : lock.statusFlags;
		DlmCompletion completion = new DlmCompletion(status, Modes.toMode(mode), statusFlags, valueBlock);
		lock.lastCompletionMode = mode;
		lock.lastQueuedBast = null;
		CompletableFuture<DlmCompletion> future = lock.future;
		lock.future = null;
		if (lock.dead) {
			return;
		}
		LocalLockHandle handle = lock.handle;
		CallbackDispatcher dispatcher = handle.lockspace().dispatcher();
		if (handle.inCall && dispatcher.isIdle()) {
			// The completion of the caller's own operation, with nothing of this lockspace
			// handle queued or running before it: delivering it now keeps the order. The
			// future has not been returned yet, so completing it runs no dependent action.
			handle.deliver(completion, future);
			dispatcher.completedAtOnce();
			return;
		}
		dispatcher.enqueue(() -> handle.deliver(completion, future), false);
	}

	/**
	 * Queues a blocking callback: {@code mode} is the mode of the request this lock blocks.
	 */
	static void queueBlocking(LockBlock lock, int mode) {
		LocalLockHandle handle = lock.handle;
		if (lock.dead || !handle.hasBlockingListener()) {
			return;
		}
		// stale: the lock was granted a mode that does not block the request any more
		if (lock.lastCompletionMode != null && Modes.compatible(mode, lock.lastCompletionMode)) {
			return;
		}
		// redundant: the lock's last callback is a blocking one for this or a stronger mode
		// that has not been delivered yet (the kernel compares with the callbacks it still
		// holds for the lock; one the process has read no longer counts)
		BlockingCallback previous = lock.lastQueuedBast;
		if (previous != null && !previous.started
				&& (previous.mode == mode || (previous.mode > mode && previous.mode > Modes.PR))) {
			return;
		}
		BlockingCallback callback = new BlockingCallback(handle, mode);
		lock.lastQueuedBast = callback;
		handle.lockspace().dispatcher().enqueue(callback, true);
	}

	/** A queued blocking callback, which knows whether its delivery has begun. */
	static final class BlockingCallback implements Runnable {

		private final LocalLockHandle handle;

		final int mode;

		/** Set by the dispatcher thread when it takes this callback up. */
		volatile boolean started;

		BlockingCallback(LocalLockHandle handle, int mode) {
			this.handle = handle;
			this.mode = mode;
		}

		@Override
		public void run() {
			this.started = true;
			this.handle.deliverBlocking();
		}

	}

}
