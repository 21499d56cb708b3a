package io.github.dlm.local;

import java.util.LinkedHashSet;
import java.util.Set;

import io.github.dlm.core.DlmBlockingListener;
import io.github.dlm.core.DlmLockspace;
import io.github.dlm.core.DlmNames;
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

	/** The locks of this handle that have not ended; guarded by the engine's lock. */
	final Set<LockBlock> locks = new LinkedHashSet<>();

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
	public LocalLockHandle newLock(byte[] resourceName, @Nullable DlmBlockingListener blockingListener) {
		DlmNames.checkResourceName(resourceName);
		checkOpen();
		return new LocalLockHandle(this, resourceName.clone(), blockingListener);
	}

	@Override
	public void close() {
		if (this.engine.closeHandle(this)) {
			this.dispatcher.shutdown();
			this.client.closed(this);
		}
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
