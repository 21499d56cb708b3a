package io.github.dlm.local;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import io.github.dlm.core.DlmBlockingListener;
import io.github.dlm.core.DlmLockspace;
import io.github.dlm.core.DlmLockspaceCondition;
import io.github.dlm.core.DlmResourceName;
import io.github.dlm.core.LockspaceOptions;
import org.jspecify.annotations.Nullable;

/**
 * One open handle on a local lockspace, the analogue of a process's open lockspace device:
 * it owns the locks created through it and has its own callback thread. Closing it cancels
 * its waiting requests and releases its locks, as the kernel does when a process closes
 * the device.
 */
public final class LocalLockspace implements DlmLockspace {

	private final LocalDlmClient client;

	private final LockEngine engine;

	private final int handleId;

	private final LockspaceOptions options;

	private final CallbackDispatcher dispatcher;

	/**
	 * The first of the locks of this handle that have not ended, linked through
	 * {@link LockBlock#nextOfOwner} in the order they were created (a list without hashing
	 * or allocation on the hot path); guarded by the engine's lock.
	 */
	private @Nullable LockBlock firstLock;

	private @Nullable LockBlock lastLock;

	/** Written under the engine's lock. */
	volatile boolean closed;

	LocalLockspace(LocalDlmClient client, LockEngine engine, int handleId, LockspaceOptions options,
			String threadName) {
		this.client = client;
		this.engine = engine;
		this.handleId = handleId;
		this.options = options;
		this.dispatcher = new CallbackDispatcher(threadName);
	}

	@Override
	public String name() {
		return this.engine.name();
	}

	/**
	 * The id of this handle, unique within its client, as {@link LocalLockInfo#owner()} shows
	 * it.
	 * @return the handle id
	 */
	public int handleId() {
		return this.handleId;
	}

	@Override
	public LocalLockHandle newLock(DlmResourceName resourceName, @Nullable DlmBlockingListener blockingListener) {
		Objects.requireNonNull(resourceName, "resourceName must not be null");
		checkOpen();
		return new LocalLockHandle(this, resourceName, blockingListener);
	}

	/**
	 * {@inheritDoc}
	 * <p>
	 * Running, unless simulated otherwise through
	 * {@link LocalDlmClient#simulateCondition}.
	 */
	@Override
	public DlmLockspaceCondition condition() {
		return this.client.read(name());
	}

	@Override
	public void close() {
		if (this.engine.closeHandle(this)) {
			this.dispatcher.shutdown();
			this.client.closed(this);
		}
	}

	/**
	 * {@inheritDoc}
	 * <p>
	 * The local engine's other users are the other handles on the same lockspace, of this
	 * client: with {@code force} they are closed (their waiting requests cancelled, their
	 * locks released) and the lockspace forgotten, so that the next open starts afresh;
	 * without it the lockspace is forgotten only if no lock and no other handle is left.
	 */
	@Override
	public void release(boolean force) {
		close();
		this.client.release(this, force);
	}

	LockspaceOptions options() {
		return this.options;
	}

	LockEngine engine() {
		return this.engine;
	}

	CallbackDispatcher dispatcher() {
		return this.dispatcher;
	}

	/** Adds a new lock of this handle; under the engine's lock. */
	void addLock(LockBlock lock) {
		LockBlock last = this.lastLock;
		lock.previousOfOwner = last;
		if (last != null) {
			last.nextOfOwner = lock;
		}
		else {
			this.firstLock = lock;
		}
		this.lastLock = lock;
	}

	/** Removes an ended lock of this handle, if not removed yet; under the engine's lock. */
	void removeLock(LockBlock lock) {
		LockBlock previous = lock.previousOfOwner;
		LockBlock next = lock.nextOfOwner;
		if (previous == null && next == null && this.firstLock != lock) {
			return;
		}
		if (previous != null) {
			previous.nextOfOwner = next;
		}
		else {
			this.firstLock = next;
		}
		if (next != null) {
			next.previousOfOwner = previous;
		}
		else {
			this.lastLock = previous;
		}
		lock.previousOfOwner = null;
		lock.nextOfOwner = null;
	}

	/** The locks of this handle that have not ended, oldest first; under the engine's lock. */
	List<LockBlock> locks() {
		List<LockBlock> locks = new ArrayList<>();
		for (LockBlock lock = this.firstLock; lock != null; lock = lock.nextOfOwner) {
			locks.add(lock);
		}
		return locks;
	}

	void checkOpen() {
		if (this.closed) {
			throw new IllegalStateException("DLM lockspace '" + name() + "' (local handle " + this.handleId
					+ ") is closed; open it again to take new locks");
		}
	}

	@Override
	public String toString() {
		return "LocalLockspace[name=" + name() + ", handle=" + this.handleId + "]";
	}

}
