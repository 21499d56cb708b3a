package io.github.dlm.lock;

import java.util.concurrent.CompletableFuture;

import org.jspecify.annotations.Nullable;

import io.github.dlm.core.DlmCompletion;
import io.github.dlm.core.DlmLockHandle;
import io.github.dlm.core.DlmLockspace;
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

	final DlmLock lock;

	final DlmLockHandle handle;

	final DlmLockspace lockspace;

	final String nameKey;

	final boolean async;

	/** Acquisitions not yet released: 1 plus the re-entries of a thread. */
	int count = 1;

	/** Per re-entry level (count - 1), the mode to convert back to when it is left; null: none. */
	private DlmMode @Nullable [] restoreModes;

	DlmMode heldMode;

	byte[] valueBlock;

	boolean valueBlockValid;

	boolean valueBlockDirty;

	/**
	 * Whether the DLM lock's last request carried VALBLK without IVVALBLK: a release from PW
	 * or EX then writes the lock's value block buffer to the resource.
	 */
	boolean armed = true;

	private @Nullable CompletableFuture<Void> released;

	DlmHold(DlmLock lock, DlmLockHandle handle, DlmCompletion granted, DlmMode requested, boolean async) {
		this.lock = lock;
		this.handle = handle;
		this.lockspace = lock.getRegistry().getLockspace();
		this.nameKey = lock.nameKey();
		this.async = async;
		this.heldMode = (granted.grantedMode() != null) ? granted.grantedMode() : requested;
		byte[] read = granted.valueBlock();
		this.valueBlock = (read != null) ? read : handle.valueBlock();
		this.valueBlockValid = !granted.isValueBlockInvalid();
	}

	/**
	 * The lock object this hold was acquired through.
	 * @return the lock
	 */
	public DlmLock getLock() {
		return this.lock;
	}

	/**
	 * The mode held.
	 * @return the mode
	 */
	public synchronized DlmMode getMode() {
		return this.heldMode;
	}

	/**
	 * The lock value block as this hold last read it (when granted) or
	 * {@linkplain #setValueBlock(byte[]) set} it.
	 * @return a copy of the 32 bytes
	 */
	public synchronized byte[] getValueBlock() {
		return this.valueBlock.clone();
	}

	/**
	 * Whether the value block read at grant is valid; see {@link DlmLock#isValueBlockValid()}.
	 * @return {@code true} if valid
	 */
	public synchronized boolean isValueBlockValid() {
		return this.valueBlockValid;
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
			if (!this.heldMode.writesValueBlock()) {
				throw new IllegalStateException("Cannot set the value block of " + this.lock + ": it is held in "
						+ this.heldMode + ", and the DLM publishes value blocks only from PW or EX. Acquire or "
						+ "convert to PW or EX first");
			}
			this.valueBlock = valueBlock.clone();
			this.valueBlockDirty = true;
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
			if (!this.async) {
				throw new IllegalStateException(this + " belongs to a thread; release it with DlmLock.unlock()");
			}
			if (this.released != null) {
				return this.released;
			}
			future = new CompletableFuture<>();
			this.released = future;
		}
		AsyncHoldExecutors.release(() -> {
			try {
				this.lock.endHold(this);
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
			if (!this.async || this.released != null) {
				throw new IllegalStateException("Only an asynchronous hold not yet released can be bound to a thread: "
						+ this);
			}
		}
		if (threadHolds.find(this.lockspace, this.nameKey) != null) {
			throw new IllegalStateException("Thread '" + Thread.currentThread().getName() + "' already holds the "
					+ "resource of " + this);
		}
		threadHolds.add(this);
		return () -> threadHolds.remove(this);
	}

	/** Records one more acquisition by the owning thread; {@code restore} is converted back to when it ends. */
	synchronized void enter(@Nullable DlmMode restore) {
		if (restore != null) {
			if (this.restoreModes == null || this.restoreModes.length <= this.count) {
				DlmMode[] grown = new DlmMode[Math.max(4, this.count * 2)];
				if (this.restoreModes != null) {
					System.arraycopy(this.restoreModes, 0, grown, 0, this.restoreModes.length);
				}
				this.restoreModes = grown;
			}
			this.restoreModes[this.count] = restore;
		}
		else if (this.restoreModes != null && this.restoreModes.length > this.count) {
			this.restoreModes[this.count] = null;
		}
		this.count++;
	}

	/**
	 * Records the end of one acquisition.
	 * @return the mode to convert back to, or {@code null}
	 */
	synchronized @Nullable DlmMode exit() {
		this.count--;
		if (this.restoreModes == null || this.count >= this.restoreModes.length) {
			return null;
		}
		DlmMode restore = this.restoreModes[this.count];
		this.restoreModes[this.count] = null;
		return restore;
	}

	synchronized byte @Nullable [] dirtyValueBlock() {
		return this.valueBlockDirty ? this.valueBlock.clone() : null;
	}

	/** Applies a granted conversion to the hold's mode and value block. */
	synchronized void converted(DlmCompletion granted, DlmMode requested, boolean published) {
		DlmMode from = this.heldMode;
		this.heldMode = (granted.grantedMode() != null) ? granted.grantedMode() : requested;
		if (published) {
			this.valueBlockDirty = false;
			this.valueBlockValid = true;
		}
		byte[] read = granted.valueBlock();
		if (read != null && ValueBlockTransfer.of(from, this.heldMode) == ValueBlockTransfer.READ
				&& !(this.valueBlockDirty && this.heldMode.writesValueBlock())) {
			// a value set in PW and not yet published survives the up-conversion to EX
			this.valueBlock = read;
			this.valueBlockValid = !granted.isValueBlockInvalid();
			this.valueBlockDirty = false;
		}
	}

	@Override
	public String toString() {
		return (this.async ? "asynchronous hold of " : "hold of ") + this.lock;
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
