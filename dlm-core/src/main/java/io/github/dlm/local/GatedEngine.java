package io.github.dlm.local;

import java.util.List;

import io.github.dlm.core.DlmResourceName;
import io.github.dlm.core.DlmStatus;
import io.github.dlm.core.LockspaceOptions;
import org.jspecify.annotations.Nullable;

/**
 * A private local engine for one lockspace whose grants pass a {@link LockGate}: the local
 * engine's exact DLM semantics (queues, conversions, NOQUEUE, cancel, blocking callbacks,
 * value blocks) for the holders of one node, admitted only as far as the gate allows. It
 * has one lockspace handle, with its own callback thread.
 * <p>
 * Besides the gate's calls back ({@link #regrant}, {@link #endGated}) it lets the gate pin a
 * resource so that its value block outlives its last lock, and read and set that value
 * block.
 */
public final class GatedEngine implements AutoCloseable {

	private final LocalDlmClient client;

	private final LocalLockspace lockspace;

	/**
	 * Creates the engine and opens its handle.
	 * @param lockspaceName the lockspace name, for messages and the lock dump
	 * @param threadName the name of the callback thread
	 * @param gate the gate
	 */
	public GatedEngine(String lockspaceName, String threadName, LockGate gate) {
		this.client = new LocalDlmClient(threadName + "-", gate);
		this.lockspace = this.client.openLockspace(lockspaceName, LockspaceOptions.DEFAULTS);
	}

	/**
	 * The one handle on this engine, through which locks are made.
	 * @return the lockspace handle
	 */
	public LocalLockspace lockspace() {
		return this.lockspace;
	}

	/**
	 * Grants, in queue order, what the gate now admits on a resource.
	 * @param resource the resource
	 */
	public void regrant(DlmResourceName resource) {
		this.lockspace.engine().regrant(resource);
	}

	/**
	 * Ends requests and conversions the gate made wait ({@link LockGate.Decision#WAIT}) with
	 * a completion of the given status, as a cancel does: a new request ends, a conversion
	 * keeps its granted mode.
	 * @param resource the resource
	 * @param status the status to complete them with
	 * @param noqueueOnly only those requested with NOQUEUE
	 * @param conversionsOnly only conversions
	 * @return how many were ended
	 */
	public int endGated(DlmResourceName resource, DlmStatus status, boolean noqueueOnly, boolean conversionsOnly) {
		return this.lockspace.engine().endGated(resource, status, noqueueOnly, conversionsOnly);
	}

	/**
	 * Keeps a resource, and so its value block, while no lock is on it.
	 * @param resource the resource
	 */
	public void pin(DlmResourceName resource) {
		this.lockspace.engine().pin(resource);
	}

	/**
	 * Removes a pin; without locks and pins the resource goes, value block and all.
	 * @param resource the resource
	 */
	public void unpin(DlmResourceName resource) {
		this.lockspace.engine().unpin(resource);
	}

	/**
	 * The value block of a resource.
	 * @param resource the resource
	 * @return its value block, {@code null} if the resource does not exist
	 */
	public @Nullable ValueBlock valueBlock(DlmResourceName resource) {
		return this.lockspace.engine().valueBlock(resource);
	}

	/**
	 * Sets the value block of a resource (created if needed; pin it to keep it).
	 * @param resource the resource
	 * @param bytes 32 bytes
	 * @param invalid whether the value block is marked invalid
	 */
	public void setValueBlock(DlmResourceName resource, byte[] bytes, boolean invalid) {
		this.lockspace.engine().setValueBlock(resource, bytes, invalid);
	}

	/**
	 * The locks on a resource now.
	 * @param resource the resource
	 * @param except a lock not to count, or {@code null}
	 * @return the counts
	 */
	public Usage usage(DlmResourceName resource, @Nullable LocalLockHandle except) {
		return this.lockspace.engine().usage(resource, except);
	}

	/**
	 * Runs an action under the engine's lock if the resource has neither locks nor pins, so
	 * that no lock can be requested on it meanwhile.
	 * @param resource the resource
	 * @param action what to run
	 * @return whether it ran
	 */
	public boolean ifUnused(DlmResourceName resource, Runnable action) {
		return this.lockspace.engine().ifUnused(resource, action);
	}

	/**
	 * Every lock of the engine, as {@link LocalDlmClient#dump} shows them.
	 * @return the locks
	 */
	public List<LocalLockInfo> dump() {
		return this.lockspace.engine().dump();
	}

	/**
	 * Closes the handle: waiting requests are cancelled, granted locks released, and the
	 * callback thread stopped.
	 */
	@Override
	public void close() {
		this.client.close();
	}

	/**
	 * A resource's value block.
	 *
	 * @param bytes the 32 bytes (zeros if never written)
	 * @param invalid whether it is marked invalid
	 */
	public record ValueBlock(byte[] bytes, boolean invalid) {
	}

	/**
	 * How many locks are on a resource.
	 *
	 * @param granted granted locks, converting ones excluded
	 * @param converting locks waiting for a conversion
	 * @param waiting new requests waiting
	 */
	public record Usage(int granted, int converting, int waiting) {

		/** No lock at all. */
		public static final Usage NONE = new Usage(0, 0, 0);

	}

}
