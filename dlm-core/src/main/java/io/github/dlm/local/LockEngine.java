package io.github.dlm.local;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.ReentrantLock;

import io.github.dlm.core.DlmCompletion;
import io.github.dlm.core.DlmRequestRules;
import io.github.dlm.core.DlmResourceName;
import io.github.dlm.core.DlmFlag;
import io.github.dlm.core.DlmMode;
import io.github.dlm.core.DlmStatus;
import org.jspecify.annotations.Nullable;

/**
 * The lock manager of one lockspace, shared by every handle that opens it: resources, lock
 * ids and the four operations request, convert, unlock and cancel (the kernel's
 * {@code do_request}, {@code do_convert}, {@code do_unlock}, {@code do_cancel} and their
 * effects), plus the clean-up of a closed handle ({@code dlm_clear_proc_locks}).
 * <p>
 * One lock guards all of it. Callbacks are queued under it, never run, with one exception
 * that runs no foreign code: the completion of the caller's own request, conversion or
 * unlock, known before the call returns, completes the still unpublished future at once
 * when the handle's dispatcher is idle (see {@link Callbacks#queueCompletion}). This saves
 * the two thread handoffs of an uncontended lock and unlock.
 */
final class LockEngine {

	private final String name;

	private final ReentrantLock lock = new ReentrantLock();

	private final Map<DlmResourceName, Resource> resources = new LinkedHashMap<>();

	private final @Nullable LockGate gate;

	private int lastLockId;

	LockEngine(String name) {
		this(name, null);
	}

	LockEngine(String name, @Nullable LockGate gate) {
		this.name = name;
		this.gate = gate;
	}

	String name() {
		return this.name;
	}

	CompletableFuture<DlmCompletion> request(LocalLockHandle handle, DlmMode mode, Set<DlmFlag> flags,
			byte @Nullable [] valueBlock) {
		this.lock.lock();
		try {
			handle.inCall = true;
			handle.lockspace().checkOpen();
			LockBlock existing = handle.lockBlock;
			if (existing == null) {
				return requestNew(handle, mode, flags, valueBlock);
			}
			checkUsable(existing, "convert to " + mode);
			if (existing.queue != LocalLockInfo.Queue.GRANTED) {
				throw new IllegalStateException(describe(existing) + " already has a request or conversion in flight; "
						+ "wait for its completion or cancel() it before converting again (EBUSY)");
			}
			DlmRequestRules.check(mode, flags, Modes.toMode(existing.grantedMode), handle.resourceName);
			return convert(existing, mode, flags, valueBlock);
		}
		finally {
			handle.inCall = false;
			this.lock.unlock();
		}
	}

	private CompletableFuture<DlmCompletion> requestNew(LocalLockHandle handle, DlmMode mode, Set<DlmFlag> flags,
			byte @Nullable [] valueBlock) {
		DlmRequestRules.check(mode, flags, null, handle.resourceName);
		Resource resource = resource(handle.resourceName);
		LockBlock lock = new LockBlock(++this.lastLockId, handle, resource);
		resource.lockCount++;
		handle.lockBlock = lock;
		handle.lockspace().addLock(lock);
		handle.storeValueBlock(valueBlock);
		lock.flags = flags;
		lock.requestedMode = mode.nativeValue();
		if (flags.contains(DlmFlag.VALBLK)) {
			// the kernel gives a new lock a zeroed buffer; what the caller passed is not sent
			lock.valueBlock = new byte[DlmCompletion.VALUE_BLOCK_LENGTH];
		}
		CompletableFuture<DlmCompletion> future = new CompletableFuture<>();
		lock.future = future;
		GrantRules.Outcome outcome = GrantRules.canBeGranted(resource, lock, true);
		if (outcome == GrantRules.Outcome.GRANT) {
			Granting.grantAndComplete(resource, lock);
		}
		else if (!lock.has(DlmFlag.NOQUEUE)) {
			resource.add(lock, LocalLockInfo.Queue.WAITING, lock.has(DlmFlag.HEADQUE));
			Granting.sendBlocking(resource.grantQueue, lock);
		}
		else if (lock.gated) {
			// grantable here, so nobody to notify; the gate answers the NOQUEUE request later
			resource.add(lock, LocalLockInfo.Queue.WAITING, lock.has(DlmFlag.HEADQUE));
		}
		else {
			Callbacks.queueCompletion(lock, DlmStatus.NOT_GRANTED);
			if (lock.has(DlmFlag.NOQUEUEBAST)) {
				Granting.sendBlocking(resource.grantQueue, lock);
				Granting.sendBlocking(resource.convertQueue, lock);
			}
			release(lock);
		}
		return future;
	}

	private CompletableFuture<DlmCompletion> convert(LockBlock lock, DlmMode mode, Set<DlmFlag> flags,
			byte @Nullable [] valueBlock) {
		Resource resource = lock.resource;
		LocalLockHandle handle = lock.handle;
		handle.storeValueBlock(valueBlock);
		if (lock.valueBlock == null && flags.contains(DlmFlag.VALBLK)) {
			lock.valueBlock = new byte[DlmCompletion.VALUE_BLOCK_LENGTH];
		}
		if (lock.valueBlock != null) {
			handle.copyValueBlockTo(lock.valueBlock);
		}
		lock.flags = flags;
		lock.statusFlags.clear();
		lock.requestedMode = mode.nativeValue();
		CompletableFuture<DlmCompletion> future = new CompletableFuture<>();
		lock.future = future;
		GrantRules.Outcome outcome = GrantRules.canBeGranted(resource, lock, true);
		if (outcome == GrantRules.Outcome.GRANT) {
			Granting.grantAndComplete(resource, lock);
			Granting.grantPending(resource);
			return future;
		}
		if (outcome == GrantRules.Outcome.DEADLOCK && !lock.has(DlmFlag.NODLCKWT)) {
			lock.requestedMode = Modes.IV;
			Callbacks.queueCompletion(lock, DlmStatus.DEADLOCK);
			return future;
		}
		if (lock.isDemoted()) {
			// the demotion to NL may let queued conversions, then this one, through
			Granting.grantPendingConversions(resource, Modes.IV, new boolean[1]);
			if (GrantRules.canBeGrantedInMode(resource, lock, true)) {
				Granting.grantAndComplete(resource, lock);
				Granting.grantPending(resource);
				return future;
			}
		}
		if (!lock.has(DlmFlag.NOQUEUE)) {
			resource.add(lock, LocalLockInfo.Queue.CONVERTING, lock.has(DlmFlag.HEADQUE));
			Granting.sendBlocking(resource.grantQueue, lock);
			return future;
		}
		if (lock.gated) {
			resource.add(lock, LocalLockInfo.Queue.CONVERTING, lock.has(DlmFlag.HEADQUE));
			return future;
		}
		Callbacks.queueCompletion(lock, DlmStatus.NOT_GRANTED);
		if (lock.has(DlmFlag.NOQUEUEBAST)) {
			Granting.sendBlocking(resource.grantQueue, lock);
			Granting.sendBlocking(resource.convertQueue, lock);
		}
		// the kernel leaves the failed mode in the lock; it has no effect, so it is cleared here
		lock.requestedMode = Modes.IV;
		return future;
	}

	CompletableFuture<DlmCompletion> unlock(LocalLockHandle handle, byte @Nullable [] valueBlock) {
		this.lock.lock();
		try {
			handle.inCall = true;
			handle.lockspace().checkOpen();
			LockBlock lock = handle.lockBlock;
			if (lock == null) {
				throw new IllegalStateException("Cannot unlock DLM lock '" + handle.resourceName
						+ "' in lockspace '" + this.name + "': it was never requested");
			}
			checkUsable(lock, "unlock");
			if (lock.queue != LocalLockInfo.Queue.GRANTED) {
				throw new IllegalStateException(describe(lock) + " has a request or conversion in flight; cancel() it "
						+ "and wait for its completion before unlocking (EBUSY)");
			}
			handle.storeValueBlock(valueBlock);
			if (lock.valueBlock != null) {
				handle.copyValueBlockTo(lock.valueBlock);
			}
			lock.statusFlags.clear();
			CompletableFuture<DlmCompletion> future = new CompletableFuture<>();
			lock.future = future;
			Resource resource = lock.resource;
			ValueBlockRules.onUnlock(resource, lock);
			removeFromResource(lock);
			Callbacks.queueCompletion(lock, DlmStatus.UNLOCKED);
			release(lock);
			Granting.grantPending(resource);
			return future;
		}
		finally {
			handle.inCall = false;
			this.lock.unlock();
		}
	}

	boolean cancel(LocalLockHandle handle) {
		this.lock.lock();
		try {
			LockBlock lock = handle.lockBlock;
			if (lock == null || lock.endOfLife || lock.queue == LocalLockInfo.Queue.GRANTED || lock.queue == null) {
				return false;
			}
			lock.statusFlags.clear();
			lock.requestedMode = Modes.IV;
			Resource resource = lock.resource;
			if (lock.queue == LocalLockInfo.Queue.CONVERTING) {
				resource.add(lock, LocalLockInfo.Queue.GRANTED, false);
				Callbacks.queueCompletion(lock, DlmStatus.CANCELLED);
			}
			else {
				removeFromResource(lock);
				Callbacks.queueCompletion(lock, DlmStatus.CANCELLED);
				release(lock);
			}
			Granting.grantPending(resource);
			return true;
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * Ends every lock of a closing handle as the kernel does when a process closes its
	 * lockspace device: waiting requests are cancelled (their futures complete with
	 * {@link DlmStatus#CANCELLED}), granted locks are force-unlocked with IVVALBLK (so a
	 * PW or EX holder leaves the value block invalid), and waiters of other handles are
	 * granted.
	 * @return {@code false} if the handle was already closed
	 */
	boolean closeHandle(LocalLockspace lockspace) {
		this.lock.lock();
		try {
			if (lockspace.closed) {
				return false;
			}
			lockspace.closed = true;
			List<LockBlock> locks = lockspace.locks();
			// first silence them all, so that freeing one cannot grant another of this handle
			for (LockBlock lock : locks) {
				lock.dead = true;
				CompletableFuture<DlmCompletion> future = lock.future;
				lock.future = null;
				if (future != null) {
					DlmCompletion cancelled = new DlmCompletion(DlmStatus.CANCELLED, null, Set.of(), null);
					lockspace.dispatcher().enqueue(() -> future.complete(cancelled), false);
				}
			}
			for (LockBlock lock : locks) {
				Set<DlmFlag> flags = EnumSet.of(DlmFlag.IVVALBLK);
				flags.addAll(lock.flags);
				lock.flags = flags;
				Resource resource = lock.resource;
				ValueBlockRules.onUnlock(resource, lock);
				removeFromResource(lock);
				lock.endOfLife = true;
				release(lock);
				Granting.grantPending(resource);
			}
			return true;
		}
		finally {
			this.lock.unlock();
		}
	}

	boolean isEnded(LocalLockHandle handle) {
		this.lock.lock();
		try {
			LockBlock lock = handle.lockBlock;
			return lock != null && lock.endOfLife;
		}
		finally {
			this.lock.unlock();
		}
	}

	int lockId(LocalLockHandle handle) {
		this.lock.lock();
		try {
			LockBlock lock = handle.lockBlock;
			return (lock != null) ? lock.id : 0;
		}
		finally {
			this.lock.unlock();
		}
	}

	boolean isEmpty() {
		this.lock.lock();
		try {
			return this.resources.isEmpty();
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * A consistent snapshot of every lock, resource by resource, each resource's grant,
	 * convert and wait queue in order.
	 */
	List<LocalLockInfo> dump() {
		this.lock.lock();
		try {
			List<LocalLockInfo> locks = new ArrayList<>();
			for (Resource resource : this.resources.values()) {
				String resourceName = resource.name.toString();
				for (LocalLockInfo.Queue queue : LocalLockInfo.Queue.values()) {
					for (LockBlock lock : resource.queue(queue)) {
						locks.add(new LocalLockInfo(resourceName, lock.id, lock.handle.lockspace().handleId(),
								Modes.toMode(lock.grantedMode), Modes.toMode(lock.requestedMode), queue));
					}
				}
			}
			return locks;
		}
		finally {
			this.lock.unlock();
		}
	}

	// ---- for the gate (GatedEngine) ----

	/** Grants what the gate now admits on a resource. */
	void regrant(DlmResourceName name) {
		this.lock.lock();
		try {
			Resource resource = this.resources.get(name);
			if (resource != null) {
				Granting.grantPending(resource);
			}
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * Ends the requests and conversions the gate holds on a resource with a status, as a
	 * cancel does: new requests end, conversions keep their granted mode.
	 */
	int endGated(DlmResourceName name, DlmStatus status, boolean noqueueOnly, boolean conversionsOnly) {
		this.lock.lock();
		try {
			Resource resource = this.resources.get(name);
			if (resource == null) {
				return 0;
			}
			int ended = 0;
			List<LockBlock> queued = new ArrayList<>(resource.convertQueue);
			if (!conversionsOnly) {
				queued.addAll(resource.waitQueue);
			}
			for (LockBlock lock : queued) {
				if (!lock.gated || (noqueueOnly && !lock.has(DlmFlag.NOQUEUE))) {
					continue;
				}
				lock.gated = false;
				lock.statusFlags.clear();
				lock.requestedMode = Modes.IV;
				if (lock.queue == LocalLockInfo.Queue.CONVERTING) {
					resource.add(lock, LocalLockInfo.Queue.GRANTED, false);
					Callbacks.queueCompletion(lock, status);
				}
				else {
					removeFromResource(lock);
					Callbacks.queueCompletion(lock, status);
					release(lock);
				}
				ended++;
			}
			if (ended > 0) {
				Granting.grantPending(resource);
			}
			return ended;
		}
		finally {
			this.lock.unlock();
		}
	}

	/** Keeps a resource (and its value block) while no lock is on it. */
	void pin(DlmResourceName name) {
		this.lock.lock();
		try {
			Resource resource = resource(name);
			resource.pins++;
			resource.lockCount++;
		}
		finally {
			this.lock.unlock();
		}
	}

	/** Removes a pin; the resource goes away with its last lock. */
	void unpin(DlmResourceName name) {
		this.lock.lock();
		try {
			Resource resource = this.resources.get(name);
			if (resource == null || resource.pins == 0) {
				return;
			}
			resource.pins--;
			if (--resource.lockCount == 0) {
				this.resources.remove(name);
			}
		}
		finally {
			this.lock.unlock();
		}
	}

	/** The resource's value block, {@code null} if the resource does not exist. */
	GatedEngine.@Nullable ValueBlock valueBlock(DlmResourceName name) {
		this.lock.lock();
		try {
			Resource resource = this.resources.get(name);
			if (resource == null) {
				return null;
			}
			byte[] bytes = (resource.valueBlock != null) ? resource.valueBlock.clone()
					: new byte[DlmCompletion.VALUE_BLOCK_LENGTH];
			return new GatedEngine.ValueBlock(bytes, resource.valueBlockInvalid);
		}
		finally {
			this.lock.unlock();
		}
	}

	/** Sets the value block of a resource, creating it if needed (pin it to keep it). */
	void setValueBlock(DlmResourceName name, byte[] bytes, boolean invalid) {
		this.lock.lock();
		try {
			Resource resource = resource(name);
			resource.valueBlock = bytes.clone();
			resource.valueBlockInvalid = invalid;
		}
		finally {
			this.lock.unlock();
		}
	}

	/** What is on a resource: granted, converting and waiting locks, {@code except} left out. */
	GatedEngine.Usage usage(DlmResourceName name, @Nullable LocalLockHandle except) {
		this.lock.lock();
		try {
			Resource resource = this.resources.get(name);
			if (resource == null) {
				return GatedEngine.Usage.NONE;
			}
			return new GatedEngine.Usage(count(resource.grantQueue, except), count(resource.convertQueue, except),
					count(resource.waitQueue, except));
		}
		finally {
			this.lock.unlock();
		}
	}

	/** Runs {@code action} under the engine's lock if the resource has no lock and no pin. */
	boolean ifUnused(DlmResourceName name, Runnable action) {
		this.lock.lock();
		try {
			if (this.resources.containsKey(name)) {
				return false;
			}
			action.run();
			return true;
		}
		finally {
			this.lock.unlock();
		}
	}

	private static int count(List<LockBlock> queue, @Nullable LocalLockHandle except) {
		int count = 0;
		for (LockBlock lock : queue) {
			if (lock.handle != except) {
				count++;
			}
		}
		return count;
	}

	private Resource resource(DlmResourceName name) {
		Resource resource = this.resources.get(name);
		if (resource == null) {
			resource = new Resource(name, this.gate);
			this.resources.put(name, resource);
		}
		return resource;
	}

	private void removeFromResource(LockBlock lock) {
		lock.resource.remove(lock);
		lock.grantedMode = Modes.IV;
		lock.requestedMode = Modes.IV;
	}

	/** Detaches an ended lock; the resource goes away with its last lock. */
	private void release(LockBlock lock) {
		lock.handle.lockspace().removeLock(lock);
		Resource resource = lock.resource;
		if (--resource.lockCount == 0) {
			this.resources.remove(resource.name);
		}
	}

	private void checkUsable(LockBlock lock, String operation) {
		if (lock.endOfLife) {
			throw new IllegalStateException("Cannot " + operation + ": " + describe(lock)
					+ " has ended (unlocked, or its first request was refused or cancelled); create a new lock");
		}
	}

	private String describe(LockBlock lock) {
		return "DLM lock '" + lock.resource.name + "' (id " + lock.id + ") in lockspace '"
				+ this.name + "'";
	}

}
