package io.github.dlm.jna;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;

import com.sun.jna.Native;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import io.github.dlm.core.DlmBlockingListener;
import io.github.dlm.core.DlmCompletion;
import io.github.dlm.core.DlmLockHandle;
import io.github.dlm.core.DlmLockspace;
import io.github.dlm.core.DlmLockspaceCondition;
import io.github.dlm.core.DlmResourceName;
import io.github.dlm.core.Errno;
import io.github.dlm.core.LockspaceOptions;

/**
 * A lockspace opened through libdlm, with its own {@link DlmDispatcher} and pool of
 * request buffers ({@link DlmRequestBuffers}).
 * <p>
 * Closing it: new requests are refused; every request in flight is cancelled and every
 * granted lock unlocked, except locks whose unlock would write the value block (held in PW
 * or EX, last requested with VALBLK); their completions are awaited up to the close
 * timeout; the dispatcher is stopped; then the handle is closed with
 * {@code dlm_close_lockspace} or, if this handle created the lockspace and the options say
 * so, {@code dlm_release_lockspace}. Closing the descriptor makes the kernel release what
 * is left, as when a process dies: the value-block writers are force-unlocked and the
 * kernel marks the resource's value block invalid (a holder that goes away in the middle of
 * an update must not publish a half-written value). Handles still open after that are
 * ended and their native memory freed.
 */
final class NativeLockspace implements DlmLockspace {

	private static final Log logger = LogFactory.getLog(NativeLockspace.class);

	private final NativeDlmClient client;

	private final LibDlm libDlm;

	private final String name;

	private final LibDlm.LockspaceHandle handle;

	private final int fd;

	private final boolean created;

	/** Set when another handle of this client on the same lockspace handed its release on. */
	private volatile boolean releaseInherited;

	/** Set by {@link #release(boolean)}: closing releases the lockspace. */
	private volatile boolean releaseRequested;

	/** Whether the release asked for is forced. */
	private volatile boolean forceRelease;

	private final LockspaceOptions options;

	private final NativeDlmSettings settings;

	/** The most request buffers kept for reuse between calls ({@link DlmRequestBuffers}). */
	static final int KEPT_REQUEST_BUFFERS = 16;

	private final ReentrantLock dispatchLock = new ReentrantLock();

	private final DlmRequestBuffers buffers = new DlmRequestBuffers(KEPT_REQUEST_BUFFERS);

	private final DlmDispatcher dispatcher;

	private final Set<NativeLockHandle> handles = ConcurrentHashMap.newKeySet();

	private final Object closeMonitor = new Object();

	private volatile boolean closing;

	private boolean closed;

	NativeLockspace(NativeDlmClient client, LibDlm libDlm, String name, LibDlm.LockspaceHandle handle,
			boolean created, LockspaceOptions options, NativeDlmSettings settings) {
		this.client = client;
		this.libDlm = libDlm;
		this.name = name;
		this.handle = handle;
		this.created = created;
		this.options = options;
		this.settings = settings;
		this.fd = libDlm.dlm_ls_get_fd(handle);
		this.dispatcher = new DlmDispatcher(libDlm, this.fd, settings.dispatcherThreadNamePrefix() + name,
				settings.pollInterval(), this.dispatchLock, this.buffers);
		makeNonBlocking(this.fd, name);
		this.dispatcher.start();
	}

	/**
	 * Makes the descriptor's reads non-blocking, for good: the dispatcher reads until
	 * {@code EAGAIN} and waits in {@code poll()} (libdlm's {@code dlm_dispatch} sets and
	 * restores the flag around every call; it is not used).
	 */
	private static void makeNonBlocking(int fd, String name) {
		int flags = LibC.fcntl(fd, LibC.F_GETFL, 0);
		if (flags < 0 || LibC.fcntl(fd, LibC.F_SETFL, flags | LibC.O_NONBLOCK) < 0) {
			throw new IllegalStateException("Cannot make the descriptor of DLM lockspace '" + name
					+ "' non-blocking: fcntl failed with " + Errno.name(Native.getLastError()));
		}
	}

	@Override
	public String name() {
		return this.name;
	}

	@Override
	public DlmLockHandle newLock(DlmResourceName resourceName, @Nullable DlmBlockingListener blockingListener) {
		Objects.requireNonNull(resourceName, "resourceName must not be null");
		checkOpen();
		return new NativeLockHandle(this, resourceName, blockingListener);
	}

	/**
	 * {@inheritDoc}
	 * <p>
	 * Read from the kernel's {@code recover_status} of the lockspace and, while it is
	 * stopped, from {@code dlm_tool ls}: see {@link KernelLockspaceStateSource}.
	 */
	@Override
	public DlmLockspaceCondition condition() {
		return this.client.lockspaceStates().read(this.name);
	}

	/**
	 * Whether this lockspace was created (rather than opened) by this handle.
	 * @return {@code true} if {@code dlm_new_lockspace} made it
	 */
	boolean isCreated() {
		return this.created;
	}

	/**
	 * The dispatcher.
	 * @return the dispatcher
	 */
	DlmDispatcher dispatcher() {
		return this.dispatcher;
	}

	@Override
	public void close() {
		// Checked before taking the monitor: a callback blocked on it while another thread
		// closes would stop the very thread that close waits for (a deadlock).
		if (this.dispatcher.isDispatcherThread()) {
			throw new IllegalStateException("Lockspace '" + this.name + "' cannot be closed from a DLM callback "
					+ "(it waits for callbacks that this thread would deliver); close it from another thread");
		}
		synchronized (this.closeMonitor) {
			if (this.closed) {
				return;
			}
			this.closing = true;
			long deadline = System.nanoTime() + this.settings.closeTimeout().toNanos();
			// Cancel what waits, then unlock what is granted (a cancel may lose to a grant).
			for (int round = 0; round < 3 && !this.handles.isEmpty(); round++) {
				List<CompletableFuture<DlmCompletion>> outstanding = new ArrayList<>();
				for (NativeLockHandle lock : this.handles) {
					releaseQuietly(lock, outstanding);
				}
				if (outstanding.isEmpty() || !await(outstanding, deadline)) {
					break;
				}
			}
			this.dispatcher.stop();
			this.client.closeNative(this);
			this.buffers.close();
			int left = 0;
			for (NativeLockHandle lock : List.copyOf(this.handles)) {
				if (lock.isBusy()) {
					left++;
				}
				lock.abandon("Lockspace '" + this.name + "' was closed before this operation on " + lock
						+ " completed; the kernel released the lock");
			}
			if (left > 0) {
				logger.warn("Closed DLM lockspace '" + this.name + "' with " + left + " lock(s) whose cancel or unlock "
						+ "did not complete within " + this.settings.closeTimeout() + "; the kernel released them");
			}
			this.closed = true;
		}
	}

	private void releaseQuietly(NativeLockHandle lock, List<CompletableFuture<DlmCompletion>> outstanding) {
		try {
			lock.cancel();
			CompletableFuture<DlmCompletion> pending = lock.pendingFuture();
			if (pending != null) {
				outstanding.add(pending);
			}
			else if (lock.grantedMode() != null && !lock.unlockWritesValueBlock()) {
				outstanding.add(lock.unlock(null));
			}
		}
		catch (RuntimeException ex) {
			// Raced with the owner's own unlock, or refused: the kernel releases it at close.
			if (logger.isDebugEnabled()) {
				logger.debug("Could not release " + lock + " while closing its lockspace: " + ex.getMessage());
			}
		}
	}

	private boolean await(List<CompletableFuture<DlmCompletion>> futures, long deadline) {
		for (CompletableFuture<DlmCompletion> future : futures) {
			long remaining = deadline - System.nanoTime();
			if (remaining <= 0) {
				return false;
			}
			try {
				future.get(remaining, TimeUnit.NANOSECONDS);
			}
			catch (TimeoutException ex) {
				return false;
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return false;
			}
			catch (Exception ex) {
				// The operation failed; its lock is left to the kernel.
			}
		}
		return true;
	}

	/**
	 * Whether closing this handle should release the lockspace: it created it and the
	 * options say so, or another handle handed the release on to it.
	 * @return {@code true} to call {@code dlm_release_lockspace} at close
	 */
	boolean releasesOnClose() {
		return (this.created && this.options.releaseOnClose()) || this.releaseInherited || this.releaseRequested;
	}

	/**
	 * {@inheritDoc}
	 * <p>
	 * While another handle of this client on the same lockspace is open, the release is
	 * handed on to it (without force) and made when it closes: the kernel removes a
	 * lockspace only once every descriptor on it is closed.
	 */
	@Override
	public void release(boolean force) {
		this.releaseRequested = true;
		this.forceRelease = force;
		close();
	}

	/**
	 * Makes this handle release the lockspace when it closes, on behalf of a handle of the
	 * same client that closed first.
	 */
	void inheritRelease() {
		this.releaseInherited = true;
	}

	/**
	 * Closes or releases the libdlm handle. Called by the client under its global lock.
	 * @param release whether to release the lockspace rather than only close the handle
	 */
	void closeHandle(boolean release) {
		if (release) {
			if (this.libDlm.dlm_release_lockspace(this.name, this.handle, this.forceRelease ? 1 : 0) != 0) {
				logger.warn("dlm_release_lockspace('" + this.name + "') failed with "
						+ Errno.name(Native.getLastError()) + "; the handle was closed");
			}
		}
		else {
			this.libDlm.dlm_close_lockspace(this.handle);
		}
	}

	void checkOpen() {
		if (this.closing) {
			throw new IllegalStateException("Lockspace '" + this.name + "' is closed");
		}
	}

	void track(NativeLockHandle lock) {
		this.handles.add(lock);
	}

	void untrack(NativeLockHandle lock) {
		this.handles.remove(lock);
	}

	int trackedCount() {
		return this.handles.size();
	}

	LibDlm.LockspaceHandle handle() {
		return this.handle;
	}

	int fd() {
		return this.fd;
	}

	LibDlm libDlm() {
		return this.libDlm;
	}

	DlmRequestBuffers buffers() {
		return this.buffers;
	}

	@Override
	public String toString() {
		return "NativeLockspace[" + this.name + (this.closing ? ", closed]" : "]");
	}

}
