package io.github.dlm.local;

import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import io.github.dlm.core.DlmCompletion;
import io.github.dlm.core.DlmFlag;
import io.github.dlm.core.DlmStatusFlag;
import org.jspecify.annotations.Nullable;

/**
 * The engine's state of one lock, the analogue of the kernel's {@code struct dlm_lkb}.
 * Guarded by the owning {@link LockEngine}'s lock.
 */
final class LockBlock {

	final int id;

	final LocalLockHandle handle;

	final Resource resource;

	/** Granted mode, {@link Modes#IV} while never granted. */
	int grantedMode = Modes.IV;

	/** Requested mode of the request or conversion in flight, {@link Modes#IV} if none. */
	int requestedMode = Modes.IV;

	/** The queue the lock is on, {@code null} once it has left the resource. */
	LocalLockInfo.@Nullable Queue queue;

	/** Flags of the last request or conversion (unlock adds its own, as the kernel does). */
	Set<DlmFlag> flags = EnumSet.noneOf(DlmFlag.class);

	/** Status flags collected for the next completion. */
	final Set<DlmStatusFlag> statusFlags = EnumSet.noneOf(DlmStatusFlag.class);

	/** The engine-side value block buffer, allocated by the first request with VALBLK. */
	byte @Nullable [] valueBlock;

	/** Whether the grant being completed read the resource value block into {@link #valueBlock}. */
	boolean valueBlockRead;

	/**
	 * The queues would grant the lock but its engine's {@link LockGate} made it wait (set by
	 * the last decision about it); a NOQUEUE request in that state waits for the gate's answer.
	 */
	boolean gated;

	/** Highest mode a blocking callback was sent for since the last grant. */
	int highestBast = Modes.NL;

	/** The lock can no longer be used: unlocked, or its first request failed or was cancelled. */
	boolean endOfLife;

	/** The lock's owner closed its lockspace handle; callbacks are no longer delivered. */
	boolean dead;

	/** The caller's future of the operation in flight, completed by the next completion. */
	@Nullable CompletableFuture<DlmCompletion> future;

	/** Mode of the last completion queued, {@code null} before the first one. */
	@Nullable Integer lastCompletionMode;

	/** The last blocking callback queued if it was the last callback queued, else {@code null}. */
	Callbacks.@Nullable BlockingCallback lastQueuedBast;

	/** Neighbours in the owning handle's list of live locks ({@link LocalLockspace#locks()}). */
	@Nullable LockBlock previousOfOwner;

	@Nullable LockBlock nextOfOwner;

	LockBlock(int id, LocalLockHandle handle, Resource resource) {
		this.id = id;
		this.handle = handle;
		this.resource = resource;
	}

	boolean isConversion() {
		return this.grantedMode != Modes.IV;
	}

	boolean has(DlmFlag flag) {
		return this.flags.contains(flag);
	}

	boolean isDemoted() {
		return this.statusFlags.contains(DlmStatusFlag.DEMOTED);
	}

}
