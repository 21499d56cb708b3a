package io.github.dlm.jna;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

import com.sun.jna.Native;
import org.jspecify.annotations.Nullable;

import io.github.dlm.core.DlmClient;
import io.github.dlm.core.DlmClosing;
import io.github.dlm.core.DlmDispatcherStats;
import io.github.dlm.core.DlmErrors;
import io.github.dlm.core.DlmLockspace;
import io.github.dlm.core.DlmLockspaceStateSource;
import io.github.dlm.core.DlmNames;
import io.github.dlm.core.DlmUnavailableException;
import io.github.dlm.core.Errno;
import io.github.dlm.core.LockspaceOptions;

/**
 * The native backend ({@code native}): the kernel DLM through {@code libdlm.so.3}.
 * <p>
 * Construction checks {@linkplain NativeDlmAvailability availability} and fails with a
 * {@link DlmUnavailableException} naming the cause and the fix. {@link #openLockspace}
 * opens an existing lockspace, and creates it (needs {@code CAP_SYS_ADMIN}) only when it
 * does not exist on this node and the options allow it; closing with
 * {@link LockspaceOptions#releaseOnClose()} releases it only if this handle created it, so
 * a process never drops a creation reference it does not own. Opening and creating can
 * block for up to about 10 s (libdlm waits for udev to make the device node); call them at
 * start-up, not on latency-sensitive threads.
 * <p>
 * <b>Threading model.</b> One {@link DlmDispatcher} platform thread per open lockspace
 * delivers all completions and blocking callbacks; lock, convert, unlock and cancel calls
 * are single {@code write()}s from the caller's thread and never wait for a lock inside
 * native code. libdlm keeps its lockspace bookkeeping in unprotected globals, so every
 * create, open, close and release in this JVM is serialized on one global lock.
 */
public final class NativeDlmClient implements DlmClient {

	/**
	 * {@code DLM_LSFL_NODIR}: the lockspace has no resource directory; a resource is mastered
	 * by the node its name hashes to. Defined by older kernels' {@code linux/dlm.h}, in neither
	 * libdlm.h nor the current UAPI header (hence not in {@link LibDlm}, whose constants are
	 * checked against the headers): current kernels set directory-less mode from
	 * {@code dlm_controld} (sysfs {@code nodir}).
	 */
	static final int DLM_LSFL_NODIR = 0x00000001;

	/** Serializes libdlm's lockspace create/open/close/release across the whole JVM. */
	private static final ReentrantLock LOCKSPACE_CALLS = new ReentrantLock();

	private final LibDlm libDlm;

	private final NativeDlmSettings settings;

	private final Set<NativeLockspace> lockspaces = ConcurrentHashMap.newKeySet();

	private volatile boolean closed;

	private volatile DlmLockspaceStateSource lockspaceStates = new KernelLockspaceStateSource();

	/**
	 * Creates a client with the default settings.
	 * @throws DlmUnavailableException if the native DLM cannot be used here, naming why
	 */
	public NativeDlmClient() {
		this(NativeDlmSettings.DEFAULTS);
	}

	/**
	 * Creates a client.
	 * @param settings the settings
	 * @throws DlmUnavailableException if the native DLM cannot be used here, naming why
	 */
	public NativeDlmClient(NativeDlmSettings settings) {
		this(NativeDlmAvailability.check(settings.libraryPath()), settings);
	}

	/**
	 * Creates a client from an availability check already made.
	 * @param availability the result of {@link NativeDlmAvailability#check}
	 * @param settings the settings
	 * @throws DlmUnavailableException if the check said the native DLM is not available
	 */
	public NativeDlmClient(NativeDlmAvailability availability, NativeDlmSettings settings) {
		this.libDlm = availability.requireAvailable();
		this.settings = Objects.requireNonNull(settings, "settings must not be null");
	}

	/**
	 * Creates a client on a library without checking the kernel side; for tests that load
	 * a stand-in library through the path override.
	 * @param libDlm the library
	 * @param settings the settings
	 */
	NativeDlmClient(LibDlm libDlm, NativeDlmSettings settings) {
		this.libDlm = libDlm;
		this.settings = settings;
	}

	/**
	 * Sets where the {@linkplain DlmLockspace#condition() condition} of this client's
	 * lockspaces is read from.
	 * @param lockspaceStates the source, by default a {@link KernelLockspaceStateSource}
	 * on {@code /sys/kernel/dlm} and {@code dlm_tool ls}
	 */
	public void setLockspaceStateSource(DlmLockspaceStateSource lockspaceStates) {
		this.lockspaceStates = Objects.requireNonNull(lockspaceStates, "lockspaceStates must not be null");
	}

	/**
	 * Where the condition of this client's lockspaces is read from.
	 * @return the source
	 */
	public DlmLockspaceStateSource lockspaceStates() {
		return this.lockspaceStates;
	}

	@Override
	public String backendName() {
		return "native";
	}

	@Override
	public DlmLockspace openLockspace(String name, LockspaceOptions options) {
		DlmNames.checkLockspaceName(name);
		Objects.requireNonNull(options, "options must not be null");
		checkOpen();
		LibDlm.LockspaceHandle handle;
		boolean created = false;
		LOCKSPACE_CALLS.lock();
		try {
			handle = this.libDlm.dlm_open_lockspace(name);
			if (handle == null) {
				int errno = Native.getLastError();
				if (errno != Errno.ENOENT || !options.create()) {
					throw failure(errno, "open lockspace", name);
				}
				handle = this.libDlm.dlm_new_lockspace(name, options.permissions(),
						options.noDirectory() ? DLM_LSFL_NODIR : 0);
				if (handle == null) {
					throw failure(Native.getLastError(), "create lockspace", name);
				}
				created = true;
			}
		}
		finally {
			LOCKSPACE_CALLS.unlock();
		}
		NativeLockspace lockspace;
		try {
			lockspace = new NativeLockspace(this, this.libDlm, name, handle, created, options, this.settings);
		}
		catch (RuntimeException ex) {
			closeHandle(this.libDlm, handle);
			throw ex;
		}
		this.lockspaces.add(lockspace);
		if (this.closed) {
			lockspace.close();
			checkOpen();
		}
		return lockspace;
	}

	private static RuntimeException failure(int errno, String operation, String name) {
		if (errno == 0) {
			return new DlmUnavailableException("DLM " + operation + " of lockspace '" + name + "' failed without an "
					+ "errno: libdlm could not talk to the kernel DLM; check that the dlm module is loaded and "
					+ "dlm_controld runs", 0);
		}
		return DlmErrors.toException(errno, operation, name, null);
	}

	private static void closeHandle(LibDlm libDlm, LibDlm.LockspaceHandle handle) {
		LOCKSPACE_CALLS.lock();
		try {
			libDlm.dlm_close_lockspace(handle);
		}
		finally {
			LOCKSPACE_CALLS.unlock();
		}
	}

	/**
	 * Closes or releases a lockspace's libdlm handle under the global lock and forgets it.
	 * @param lockspace the lockspace, whose dispatcher has stopped
	 */
	void closeNative(NativeLockspace lockspace) {
		LOCKSPACE_CALLS.lock();
		try {
			boolean release = lockspace.releasesOnClose();
			NativeLockspace heir = release ? otherHandleOn(lockspace) : null;
			if (heir != null) {
				// The kernel removes a lockspace only once every descriptor on it is closed, and
				// waits for that uninterruptibly: releasing it while this JVM keeps another
				// handle on it open would hang this thread for good (and while that handle
				// holds locks, the release fails EBUSY and the lockspace leaks). The last
				// handle of this client releases it instead.
				heir.inheritRelease();
				release = false;
			}
			lockspace.closeHandle(release);
		}
		finally {
			LOCKSPACE_CALLS.unlock();
			this.lockspaces.remove(lockspace);
		}
	}

	private @Nullable NativeLockspace otherHandleOn(NativeLockspace lockspace) {
		for (NativeLockspace other : this.lockspaces) {
			if (other != lockspace && other.name().equals(lockspace.name())) {
				return other;
			}
		}
		return null;
	}

	/**
	 * The lockspaces open now.
	 * @return a snapshot
	 */
	List<DlmLockspace> openLockspaces() {
		return List.copyOf(this.lockspaces);
	}

	/**
	 * {@inheritDoc}
	 * <p>
	 * One per open lockspace: its {@link DlmDispatcher}, with the completions the threads
	 * waiting for them read and delivered themselves as
	 * {@linkplain DlmDispatcherStats#callerCompletions() caller completions}.
	 */
	@Override
	public List<DlmDispatcherStats> dispatchers() {
		List<DlmDispatcherStats> stats = new ArrayList<>();
		for (NativeLockspace lockspace : this.lockspaces) {
			DlmDispatcher dispatcher = lockspace.dispatcher();
			stats.add(new DlmDispatcherStats(lockspace.name(), dispatcher.getThreadName(), dispatcher.isRunning(),
					dispatcher.isIdle(), dispatcher.completions(), dispatcher.blockingCallbacks(),
					dispatcher.completionsByCallers(), dispatcher.callbackNanos()));
		}
		return List.copyOf(stats);
	}

	@Override
	public void close() {
		this.closed = true;
		DlmClosing.closeEach(List.copyOf(this.lockspaces), NativeLockspace::close);
	}

	private void checkOpen() {
		if (this.closed) {
			throw new IllegalStateException("The native DLM client is closed");
		}
	}

	@Override
	public String toString() {
		return "NativeDlmClient[" + this.lockspaces.size() + " open lockspace(s)]";
	}

	/**
	 * Whether the given path, or the system library when {@code null}, can be used.
	 * Shorthand for {@code NativeDlmAvailability.check(libraryPath).isAvailable()}.
	 * @param libraryPath the libdlm file, or {@code null}
	 * @return {@code true} if a client can be created
	 */
	public static boolean isAvailable(@Nullable String libraryPath) {
		return NativeDlmAvailability.check(libraryPath).isAvailable();
	}

}
