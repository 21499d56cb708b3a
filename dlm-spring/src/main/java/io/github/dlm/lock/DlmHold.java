package io.github.dlm.lock;

import java.util.concurrent.CompletableFuture;

import org.jspecify.annotations.Nullable;

import io.github.dlm.core.DlmMode;
import io.github.dlm.core.DlmNames;

/**
 * One owner's hold of a DLM resource: its own DLM lock, the mode it holds and its view of
 * the lock value block.
 * <p>
 * A hold belongs to an owner, not to a {@link DlmLock} object: to a thread (kept for it by
 * {@link DlmLock#lock()} and {@link DlmLock#unlock()}, reentrant through any lock object
 * of the same lockspace and resource), or to whoever asked for it asynchronously with
 * {@link DlmLock#lockAsync()} or {@link DlmLock#tryLockAsync(java.time.Duration)}. An
 * asynchronous hold is what this class gives to the caller: any thread may read or set
 * its value block and {@linkplain #release() release} it, once; it is not reentrant with
 * the holds of threads (a thread that waits for a lock held by an asynchronous hold waits
 * like any other holder would), unless it is {@linkplain #bindToCurrentThread() bound} to
 * the thread for a while.
 * <p>
 * Thread-safe.
 */
public final class DlmHold implements AutoCloseable {

	private final HeldLock held;

	private @Nullable CompletableFuture<Void> released;

	DlmHold(HeldLock held) {
		this.held = held;
	}

	/**
	 * The lock object this hold was acquired through.
	 * @return the lock
	 */
	public DlmLock getLock() {
		return this.held.lock;
	}

	/**
	 * The mode held.
	 * @return the mode
	 */
	public DlmMode getMode() {
		return this.held.getMode();
	}

	/**
	 * The lock value block as this hold last read it (when granted) or
	 * {@linkplain #setValueBlock(byte[]) set} it.
	 * @return a copy of the 32 bytes
	 */
	public byte[] getValueBlock() {
		return this.held.getValueBlock();
	}

	/**
	 * Whether the value block read at grant is valid; see {@link DlmLock#isValueBlockValid()}.
	 * @return {@code true} if valid
	 */
	public boolean isValueBlockValid() {
		return this.held.isValueBlockValid();
	}

	/**
	 * The fencing token of this hold's grant; see {@link DlmLock#fencingToken()}.
	 * @return the token, positive
	 * @throws IllegalStateException if the hold is held in a mode weaker than PW, or its
	 * registry issued no token when it was granted
	 */
	public long fencingToken() {
		return this.held.fencingToken();
	}

	/**
	 * Sets the value block to publish when this hold is released; see
	 * {@link DlmLock#setValueBlock(byte[])}.
	 * @param valueBlock exactly 32 bytes; copied
	 * @throws IllegalArgumentException if null or not 32 bytes
	 * @throws IllegalStateException if the hold is released, or held in a mode that does
	 * not write the value block (only PW and EX do)
	 */
	public void setValueBlock(byte[] valueBlock) {
		DlmNames.checkValueBlock(valueBlock);
		synchronized (this) {
			if (this.released != null) {
				throw new IllegalStateException("Cannot set the value block of " + this + ": it was released");
			}
			this.held.setValueBlock(valueBlock);
		}
	}

	/**
	 * Whether {@link #release()} was called.
	 * @return {@code true} once released or being released
	 */
	public synchronized boolean isReleased() {
		return this.released != null;
	}

	/**
	 * Releases this asynchronous hold, publishing the value block if one was set. Does not
	 * wait: the release runs on a thread of the starter's own, so it may be called from any
	 * thread, including callbacks that must not block. Calling it again returns the same
	 * future. A hold whose lockspace was closed in the meantime was already released by the
	 * close; its release then succeeds quietly.
	 * @return a future completed once the lock manager released the lock
	 * @throws IllegalStateException if this is a thread's hold (release those with
	 * {@link DlmLock#unlock()})
	 */
	public CompletableFuture<Void> release() {
		CompletableFuture<Void> future;
		synchronized (this) {
			if (this.released != null) {
				return this.released;
			}
			future = new CompletableFuture<>();
			this.released = future;
		}
		AsyncHoldExecutors.release(() -> {
			try {
				this.held.end();
				future.complete(null);
			}
			catch (Throwable ex) {
				future.completeExceptionally(ex);
			}
		});
		return future;
	}

	/**
	 * Releases this asynchronous hold and waits until the lock manager released it. Not to
	 * be called on a DLM callback (blocking listener) thread: use {@link #release()} there.
	 */
	@Override
	public void close() {
		release().join();
	}

	/**
	 * Lets the current thread use this asynchronous hold as its own until the returned
	 * binding is closed: while bound, the thread's acquisitions of the same lockspace and
	 * resource, through any lock object, re-enter this hold instead of waiting for it.
	 * {@code @DlmLocked} binds the hold of an asynchronous method while the method itself
	 * runs.
	 * @return the binding, to close on the same thread
	 * @throws IllegalStateException if this is not an asynchronous hold, it is released, or
	 * the thread already holds the resource
	 */
	public Binding bindToCurrentThread() {
		ThreadHolds threadHolds = ThreadHolds.current();
		synchronized (this) {
			if (this.released != null) {
				throw new IllegalStateException("Only an asynchronous hold not yet released can be bound to a thread: "
						+ this);
			}
		}
		if (threadHolds.find(this.held.lockspace, this.held.resourceName) != null) {
			throw new IllegalStateException("Thread '" + Thread.currentThread().getName() + "' already holds the "
					+ "resource of " + this);
		}
		threadHolds.add(this.held);
		return () -> threadHolds.remove(this.held);
	}

	@Override
	public String toString() {
		return "asynchronous hold of " + this.held.lock;
	}

	/**
	 * Ends a binding of an asynchronous hold to a thread.
	 */
	@FunctionalInterface
	public interface Binding extends AutoCloseable {

		/**
		 * Ends the binding: the thread no longer holds the lock through the hold.
		 */
		@Override
		void close();

	}

}
