package io.github.dlm.local;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.github.dlm.core.DlmClient;
import io.github.dlm.core.DlmDispatcherStats;
import io.github.dlm.core.DlmErrors;
import io.github.dlm.core.DlmLockspaceCondition;
import io.github.dlm.core.DlmLockspaceState;
import io.github.dlm.core.DlmLockspaceStateSource;
import io.github.dlm.core.DlmNames;
import io.github.dlm.core.Errno;
import io.github.dlm.core.LockspaceOptions;
import org.jspecify.annotations.Nullable;

/**
 * The local backend: an in-process lock manager with the semantics of the Linux kernel DLM
 * on one node, for development and tests without a cluster (as an embedded database is
 * for JDBC).
 * <p>
 * Lockspaces are shared by name within one client: two handles opened on the same name see
 * the same resources, as two processes on one node do. Each handle owns its locks and has
 * its own daemon callback thread, named {@code <prefix><lockspace>-<n>}, which delivers
 * blocking callbacks and the completions of requests that had to wait. A request,
 * conversion or unlock that the engine completes at once while that thread has nothing
 * queued or running returns its future already completed, with no thread handoff.
 * <p>
 * <b>Fidelity to the kernel, measured.</b> The cluster suite's {@code LocalFidelityClusterIT}
 * runs seeded random operation sequences ({@code io.github.dlm.contract.OperationSequences}
 * in the test jar: all six modes; NOQUEUE, NOQUEUEBAST, VALBLK with and without a value,
 * HEADQUE, EXPEDITE, NOORDER, ALTPR/ALTCW, QUECVT, CONVDEADLK, IVVALBLK; conversions,
 * cancels, unlocks with and without a value block) on the kernel DLM of a VM node through
 * the native backend and on this engine, and requires equal traces: completions (status,
 * granted mode, status flags, value block read), blocking callbacks, and every lock's
 * granted mode after each step. Where they differed, the engine was fixed: a blocking
 * callback is dropped as redundant only while the one before it is still undelivered (as
 * the kernel compares with the callbacks it still holds), and {@link LocalLockHandle#grantedMode()}
 * reports what the completions said, so a conversion that CONVDEADLK demoted while it waits
 * still shows its old mode, as on the kernel. (The native backend was fixed too: which
 * conversions read the value block, what a VALBLK request without a new value publishes,
 * and which mode ALTPR with ALTCW grants.) These differences remain, and the sequences keep
 * clear of them:
 * <ul>
 * <li><b>Cancelling a conversion that CONVDEADLK demoted.</b> The kernel leaves the lock
 * granted in NL and completes the cancel with {@code ECANCEL} but without
 * {@code DLM_SBF_DEMOTED}, so user space cannot tell that the lock lost its mode: the native
 * backend then reports the mode the lock had before the conversion, which the kernel no
 * longer holds (others may have been granted against it). This engine reports NL, which is
 * what the lock holds. Do not cancel a conversion requested with CONVDEADLK if the mode held
 * matters; unlock the lock instead.</li>
 * <li><b>A resource locked again right after its last lock went.</b> The kernel keeps an
 * unused resource for {@code toss_secs} (10 s by default) without its value block but with its
 * "value block not valid" mark (after IVVALBLK), and locks taken on it again in that time
 * get {@code VALNOTVALID} on conversions that neither read nor write the value block (CR, CW
 * or PR down to a lower mode) until one writes it. This engine forgets an unused resource at
 * once, mark and all; after {@code toss_secs} the kernel does too. (The value block itself is
 * gone on both.)</li>
 * <li><b>Order of callbacks across locks.</b> Both deliver a handle's callbacks one at a
 * time, and each lock's in the order they were queued; but the kernel queues a lock's new
 * callback behind the ones it still holds for that lock, so callbacks of different locks
 * may come in another order than this engine's strict first-in, first-out.</li>
 * </ul>
 * Not measured (the sequences do not use them): NODLCKWT and NODLCKBLK, several handles on
 * one lockspace, closing a handle while it holds locks, and anything that involves other
 * nodes or recovery.
 */
public final class LocalDlmClient implements DlmClient, DlmLockspaceStateSource {

	/** Default prefix of callback thread names. */
	public static final String DEFAULT_THREAD_NAME_PREFIX = "dlm-local-";

	private final String threadNamePrefix;

	private final Map<String, LockEngine> lockspaces = new HashMap<>();

	private final Set<LocalLockspace> openHandles = new LinkedHashSet<>();

	/** Conditions set by {@link #simulateCondition}, by lockspace name. */
	private final Map<String, DlmLockspaceCondition> simulatedConditions = new ConcurrentHashMap<>();

	/** The gate of every engine this client makes, {@code null} for the plain engine. */
	private final @Nullable LockGate gate;

	private int lastHandleId;

	private boolean closed;

	/**
	 * Creates a client whose callback threads are named {@code dlm-local-<lockspace>-<n>}.
	 */
	public LocalDlmClient() {
		this(DEFAULT_THREAD_NAME_PREFIX);
	}

	/**
	 * Creates a client.
	 * @param threadNamePrefix the prefix of callback thread names, followed by the
	 * lockspace name, a dash and a number
	 */
	public LocalDlmClient(String threadNamePrefix) {
		this(threadNamePrefix, null);
	}

	/** A client whose engines ask a gate before granting ({@link GatedEngine}). */
	LocalDlmClient(String threadNamePrefix, @Nullable LockGate gate) {
		this.threadNamePrefix = Objects.requireNonNull(threadNamePrefix, "Thread name prefix must not be null");
		this.gate = gate;
	}

	@Override
	public String backendName() {
		return "local";
	}

	/**
	 * {@inheritDoc}
	 * @throws io.github.dlm.core.DlmLockspaceNotFoundException if the lockspace does not
	 * exist and the options say not to create it
	 */
	@Override
	public synchronized LocalLockspace openLockspace(String name, LockspaceOptions options) {
		DlmNames.checkLockspaceName(name);
		Objects.requireNonNull(options, "Lockspace options must not be null");
		if (this.closed) {
			throw new IllegalStateException("This LocalDlmClient is closed; create a new one");
		}
		LockEngine engine = this.lockspaces.get(name);
		if (engine == null) {
			if (!options.create()) {
				throw DlmErrors.toException(Errno.ENOENT, "open lockspace", name, null);
			}
			engine = new LockEngine(name, this.gate);
			this.lockspaces.put(name, engine);
		}
		int handleId = ++this.lastHandleId;
		LocalLockspace lockspace = new LocalLockspace(this, engine, handleId, options,
				this.threadNamePrefix + name + "-" + handleId);
		this.openHandles.add(lockspace);
		return lockspace;
	}

	/**
	 * {@inheritDoc}
	 * <p>
	 * One per open lockspace handle: its callback thread. Completions the engine knows at
	 * once while that thread is idle are delivered on the caller's thread and counted as
	 * {@linkplain DlmDispatcherStats#callerCompletions() caller completions}.
	 */
	@Override
	public synchronized List<DlmDispatcherStats> dispatchers() {
		List<DlmDispatcherStats> stats = new ArrayList<>(this.openHandles.size());
		for (LocalLockspace handle : this.openHandles) {
			stats.add(handle.dispatcher().stats(handle.name()));
		}
		return List.copyOf(stats);
	}

	/**
	 * Every lock of a lockspace, the analogue of the kernel's lock dump: one consistent
	 * snapshot, resource by resource, each resource's grant, convert and wait queue in order.
	 * @param lockspace the lockspace name
	 * @return the locks, empty when there are none
	 * @throws io.github.dlm.core.DlmLockspaceNotFoundException if no such lockspace exists
	 */
	public List<LocalLockInfo> dump(String lockspace) {
		LockEngine engine;
		synchronized (this) {
			engine = this.lockspaces.get(lockspace);
		}
		if (engine == null) {
			throw DlmErrors.toException(Errno.ENOENT, "dump", lockspace, null);
		}
		return engine.dump();
	}

	/**
	 * The condition of a lockspace in this engine: {@link DlmLockspaceState#RUNNING}, since
	 * the engine has no other nodes and never recovers, unless a test
	 * {@linkplain #simulateCondition simulates} another.
	 * @param lockspace the lockspace name
	 * @return the condition
	 */
	@Override
	public DlmLockspaceCondition read(String lockspace) {
		DlmLockspaceCondition simulated = this.simulatedConditions.get(lockspace);
		return (simulated != null) ? simulated
				: DlmLockspaceCondition.running("local engine: one node, never in recovery");
	}

	/**
	 * Simulation for tests of what reacts to lockspace recovery: from now on the
	 * lockspace's {@linkplain io.github.dlm.core.DlmLockspace#condition() condition} reads
	 * as given. Only the reported condition changes: the engine goes on granting and
	 * releasing as before, since it has no recovery to stop for, so this says nothing
	 * about how the kernel's lock manager behaves while in doubt.
	 * @param lockspace the lockspace name
	 * @param condition the condition to report, {@code null} to report the real one
	 * (running) again
	 */
	public void simulateCondition(String lockspace, @Nullable DlmLockspaceCondition condition) {
		DlmNames.checkLockspaceName(lockspace);
		if (condition == null) {
			this.simulatedConditions.remove(lockspace);
		}
		else {
			this.simulatedConditions.put(lockspace, condition);
		}
	}

	/**
	 * Closes every lockspace handle this client opened, releasing their locks, and stops
	 * their callback threads.
	 */
	@Override
	public void close() {
		List<LocalLockspace> handles;
		synchronized (this) {
			this.closed = true;
			handles = new ArrayList<>(this.openHandles);
		}
		for (LocalLockspace handle : handles) {
			handle.close();
		}
		synchronized (this) {
			this.lockspaces.clear();
		}
	}

	/** A handle was closed: forget it, and release its lockspace if it asked to and may. */
	synchronized void closed(LocalLockspace lockspace) {
		this.openHandles.remove(lockspace);
		if (!lockspace.options().releaseOnClose()) {
			return;
		}
		LockEngine engine = lockspace.engine();
		for (LocalLockspace other : this.openHandles) {
			if (other.engine() == engine) {
				return;
			}
		}
		if (engine.isEmpty()) {
			this.lockspaces.remove(engine.name(), engine);
		}
	}

	/**
	 * Releases the lockspace of a handle that was just closed: with {@code force} the other
	 * handles on it are closed first, as the kernel's forced release ends every other
	 * user's locks.
	 */
	void release(LocalLockspace lockspace, boolean force) {
		LockEngine engine = lockspace.engine();
		List<LocalLockspace> others = new ArrayList<>();
		synchronized (this) {
			for (LocalLockspace other : this.openHandles) {
				if (other.engine() == engine) {
					others.add(other);
				}
			}
			if (!force && (!others.isEmpty() || !engine.isEmpty())) {
				return;
			}
		}
		for (LocalLockspace other : others) {
			other.close();
		}
		synchronized (this) {
			this.lockspaces.remove(engine.name(), engine);
		}
	}

	@Override
	public String toString() {
		return "LocalDlmClient[threadNamePrefix=" + this.threadNamePrefix + "]";
	}

}
