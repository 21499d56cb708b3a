package io.github.dlm.caching;

import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import io.github.dlm.core.DlmCompletion;
import io.github.dlm.core.DlmFlag;
import io.github.dlm.core.DlmLockHandle;
import io.github.dlm.core.DlmMode;
import io.github.dlm.core.DlmResourceName;
import io.github.dlm.core.DlmStatus;
import io.github.dlm.local.GatedEngine;
import io.github.dlm.local.LocalLockHandle;
import io.github.dlm.local.LockGate;
import org.jspecify.annotations.Nullable;

/**
 * The node lock of one resource: the one lock this node holds on it in the delegate
 * lockspace, and the state machine that keeps it covering every mode the
 * {@link GatedEngine} grants locally (see the package documentation for the states).
 * <p>
 * Its state is guarded by its monitor. The engine asks {@link #admit} under the engine's
 * lock, so the monitor is always taken after the engine's lock and the engine is never
 * called while the monitor is held. Delegate calls are made under the monitor (the
 * delegate calls back only on its own dispatcher thread); their futures are observed after
 * the monitor is left, so a completion known at once is handled on the calling thread.
 */
final class NodeLock {

	private static final Set<DlmFlag> VALBLK = EnumSet.of(DlmFlag.VALBLK);

	private static final Set<DlmFlag> VALBLK_NOQUEUEBAST = EnumSet.of(DlmFlag.VALBLK, DlmFlag.NOQUEUE,
			DlmFlag.NOQUEUEBAST);

	private static final Set<DlmFlag> INVALIDATE = EnumSet.of(DlmFlag.VALBLK, DlmFlag.IVVALBLK);

	private static final Set<DlmFlag> PHANTOM = EnumSet.of(DlmFlag.HEADQUE);

	final DlmResourceName resource;

	private final CachingLockspace owner;

	private final GatedEngine engine;

	/** The lock in the delegate lockspace, {@code null} while the node holds none. */
	private @Nullable DlmLockHandle handle;

	/** The node lock's granted mode, {@code null} while the node holds none. */
	private @Nullable DlmMode granted;

	/** A request, conversion or unlock of the node lock is in flight. */
	private boolean inFlight;

	/** The mode local requests wait for, {@code null} if none. */
	private @Nullable DlmMode wanted;

	/** Every local request waiting for {@link #wanted} is a NOQUEUE request. */
	private boolean wantedNoqueue;

	/** Gated NOQUEUE requests are to be refused: the node lock is busy. */
	private boolean refuseNoqueue;

	/** Queued in the lockspace's list of node locks to drive. */
	private boolean queued;

	/**
	 * The stand-in for a remote waiter (or for the idle release): a local EX request at the
	 * head of the local wait queue, so that no new local holder is admitted ahead of it.
	 */
	private volatile @Nullable LocalLockHandle phantom;

	/** The phantom is granted: local holders drained, the node lock is being released. */
	private volatile boolean draining;

	/** Release the node lock and request it afresh (after a conversion deadlock with no local holder). */
	private volatile boolean refresh;

	/** A local request was admitted or made to wait since the last idle sweep. */
	private boolean touched;

	private long idleSince = -1;

	private boolean closed;

	NodeLock(DlmResourceName resource, CachingLockspace owner, GatedEngine engine) {
		this.resource = resource;
		this.owner = owner;
		this.engine = engine;
	}

	/** The gate: under the engine's lock. */
	synchronized LockGate.Decision admit(LocalLockHandle lock, DlmMode mode, Set<DlmFlag> flags) {
		if (lock == this.phantom) {
			return LockGate.Decision.ADMIT;
		}
		this.touched = true;
		boolean releasing = this.draining || this.refresh;
		if (!releasing && this.granted != null && this.granted.covers(mode)) {
			return LockGate.Decision.ADMIT;
		}
		boolean noqueue = flags.contains(DlmFlag.NOQUEUE);
		if (this.closed) {
			return LockGate.Decision.REFUSE;
		}
		if (noqueue && (releasing || this.inFlight || this.phantom != null)) {
			// the lock manager cannot be asked now: refused on the next drive (a NOQUEUE
			// request already queued cannot be refused from here)
			this.refuseNoqueue = true;
			requestDrive();
			return LockGate.Decision.WAIT;
		}
		if (releasing) {
			// asked again once the node lock is released
			return LockGate.Decision.WAIT;
		}
		if (this.wanted == null) {
			this.wanted = mode;
			this.wantedNoqueue = noqueue;
		}
		else {
			this.wanted = this.wanted.leastCovering(mode);
			this.wantedNoqueue &= noqueue;
		}
		requestDrive();
		return LockGate.Decision.WAIT;
	}

	private void requestDrive() {
		if (!this.queued) {
			this.queued = true;
			this.owner.toDrive(this);
		}
	}

	/**
	 * Takes the next step the state calls for: requests or converts the node lock for what
	 * local requests wait for, or releases it once the remote waiter's stand-in is granted.
	 * @return a failure of the delegate to report to the caller, or {@code null}
	 */
	@Nullable RuntimeException drive() {
		boolean releasing = this.draining || this.refresh;
		GatedEngine.Usage usage = releasing ? this.engine.usage(this.resource, this.phantom) : null;
		GatedEngine.ValueBlock valueBlock = releasing ? this.engine.valueBlock(this.resource) : null;
		CompletableFuture<DlmCompletion> future;
		DlmMode previous;
		boolean release;
		RuntimeException refused = null;
		boolean finished = false;
		boolean unpin = false;
		LocalLockHandle standIn = null;
		boolean refuse;
		synchronized (this) {
			this.queued = false;
			refuse = this.refuseNoqueue;
			this.refuseNoqueue = false;
		}
		if (refuse) {
			this.engine.endGated(this.resource, DlmStatus.NOT_GRANTED, true, false);
		}
		synchronized (this) {
			if (this.closed || this.inFlight) {
				return null;
			}
			previous = this.granted;
			release = this.draining || this.refresh;
			if (release) {
				if (usage == null) {
					requestDrive();
					return null;
				}
				future = releaseStep(usage, valueBlock);
				if (future == null) {
					if (this.draining) {
						// the stand-in was granted: its remote waiter is served
						standIn = this.phantom;
						this.phantom = null;
					}
					this.draining = false;
					this.refresh = false;
					unpin = (this.handle == null);
					finished = true;
				}
			}
			else {
				if (this.wanted == null) {
					return null;
				}
				DlmMode target = (this.granted != null) ? this.granted.leastCovering(this.wanted) : this.wanted;
				// A NOQUEUE node request always asks for blocking callbacks: a node that caches the
				// lock without using it then lets it go, so that this node's next tryLock() can
				// succeed instead of being refused until that node's idle release.
				Set<DlmFlag> flags = !this.wantedNoqueue ? VALBLK : VALBLK_NOQUEUEBAST;
				this.wanted = null;
				if (target == this.granted) {
					future = null;
				}
				else {
					try {
						if (this.handle == null) {
							this.handle = this.owner.delegate().newLock(this.resource, this::blocking);
						}
						future = this.handle.request(target, flags, null);
					}
					catch (RuntimeException ex) {
						if (this.granted == null) {
							this.handle = null;
						}
						refused = ex;
						future = null;
					}
				}
			}
			if (future != null) {
				this.inFlight = true;
			}
		}
		if (finished) {
			finishRelease(standIn, unpin);
			return null;
		}
		if (refused != null) {
			// what the delegate refused, the requests waiting for it are refused too
			this.engine.endGated(this.resource, DlmStatus.CANCELLED, false, false);
			return refused;
		}
		if (future == null) {
			this.engine.regrant(this.resource);
			return null;
		}
		if (release) {
			future.whenComplete((completion, failure) -> released(completion, failure));
		}
		else {
			future.whenComplete((completion, failure) -> requested(previous, completion, failure));
		}
		return null;
	}

	/** The next step of a release, under the monitor; {@code null} when released. */
	private @Nullable CompletableFuture<DlmCompletion> releaseStep(GatedEngine.Usage usage,
			GatedEngine.@Nullable ValueBlock valueBlock) {
		DlmLockHandle lock = this.handle;
		DlmMode mode = this.granted;
		if (lock == null || mode == null) {
			return null;
		}
		boolean keepNl = usage.granted() + usage.converting() > 0;
		if (mode == DlmMode.NL) {
			return keepNl ? null : lock.unlock(null);
		}
		if (mode.writesValueBlock() && valueBlock != null) {
			if (valueBlock.invalid()) {
				return lock.request(DlmMode.NL, INVALIDATE, null);
			}
			return keepNl ? lock.request(DlmMode.NL, VALBLK, valueBlock.bytes()) : lock.unlock(valueBlock.bytes());
		}
		return keepNl ? lock.request(DlmMode.NL, VALBLK, null) : lock.unlock(null);
	}

	/**
	 * Ends a release: the stand-in of the remote waiter goes, which lets the local requests
	 * behind it ask for the node lock again.
	 */
	private void finishRelease(@Nullable LocalLockHandle standIn, boolean unpin) {
		if (unpin) {
			this.engine.unpin(this.resource);
		}
		if (standIn != null) {
			try {
				standIn.unlock(null);
			}
			catch (IllegalStateException ex) {
				// the lockspace closed meanwhile, which ended the stand-in
			}
		}
		this.engine.regrant(this.resource);
	}

	private void requested(@Nullable DlmMode previous, @Nullable DlmCompletion completion,
			@Nullable Throwable failure) {
		DlmStatus status = (completion != null) ? completion.status() : DlmStatus.CANCELLED;
		boolean fresh;
		synchronized (this) {
			this.inFlight = false;
			if (this.closed) {
				return;
			}
			fresh = (previous == null);
			if (status == DlmStatus.GRANTED && completion != null) {
				this.granted = completion.grantedMode();
			}
			else if (fresh) {
				this.handle = null;
			}
		}
		switch (status) {
			case GRANTED -> {
				if (fresh) {
					this.engine.pin(this.resource);
				}
				if (previous == null || !previous.writesValueBlock()) {
					byte[] bytes = completion.valueBlock();
					this.engine.setValueBlock(this.resource,
							(bytes != null) ? bytes : new byte[DlmCompletion.VALUE_BLOCK_LENGTH],
							completion.isValueBlockInvalid());
				}
				this.engine.regrant(this.resource);
			}
			case NOT_GRANTED -> {
				this.engine.endGated(this.resource, DlmStatus.NOT_GRANTED, true, false);
				this.engine.regrant(this.resource);
			}
			case DEADLOCK -> {
				// only a conversion can deadlock; a new local request queues afresh instead
				this.engine.endGated(this.resource, DlmStatus.DEADLOCK, false, true);
				GatedEngine.Usage usage = this.engine.usage(this.resource, null);
				if (usage.granted() + usage.converting() == 0 && usage.waiting() > 0) {
					this.refresh = true;
					synchronized (this) {
						requestDrive();
					}
				}
			}
			default -> this.engine.endGated(this.resource, status, false, false);
		}
		synchronized (this) {
			// a release may have become due while the request was in flight
			requestDrive();
		}
		this.owner.drainPending();
	}

	private void released(@Nullable DlmCompletion completion, @Nullable Throwable failure) {
		synchronized (this) {
			this.inFlight = false;
			if (this.closed) {
				return;
			}
			if (completion != null && completion.status() == DlmStatus.UNLOCKED) {
				this.handle = null;
				this.granted = null;
			}
			else if (completion != null && completion.isGranted()) {
				this.granted = completion.grantedMode();
			}
			else {
				// the delegate refused to release (closed under us): forget the lock
				this.handle = null;
				this.granted = null;
			}
			requestDrive();
		}
		this.owner.drainPending();
	}

	/** A blocking callback on the node lock: a remote request waits for it. */
	private void blocking(DlmLockHandle lock) {
		LocalLockHandle stand;
		synchronized (this) {
			if (this.closed || lock != this.handle || this.phantom != null || this.draining) {
				return;
			}
			stand = standIn();
		}
		startStandIn(stand);
	}

	/** Under the monitor: a new stand-in for a remote waiter. */
	private LocalLockHandle standIn() {
		LocalLockHandle stand = this.engine.lockspace().newLock(this.resource, null);
		this.phantom = stand;
		this.idleSince = -1;
		return stand;
	}

	private void startStandIn(LocalLockHandle stand) {
		CompletableFuture<DlmCompletion> future;
		try {
			future = stand.request(DlmMode.EX, PHANTOM, null);
		}
		catch (IllegalStateException ex) {
			// the lockspace closed meanwhile
			return;
		}
		future.whenComplete((completion, failure) -> {
			boolean stale = false;
			if (completion != null && completion.isGranted()) {
				synchronized (this) {
					if (stand == this.phantom && !this.closed) {
						this.draining = true;
						requestDrive();
					}
					else {
						stale = true;
					}
				}
			}
			if (stale) {
				finishRelease(stand, false);
			}
			this.owner.drainPending();
		});
		this.owner.drainPending();
	}

	/**
	 * An idle sweep: releases the node lock once no local lock has been on the resource for
	 * {@code idleNanos}.
	 * @return whether the node lock is gone and the resource unused (the entry may go)
	 */
	boolean sweep(long now, long idleNanos) {
		GatedEngine.Usage usage = this.engine.usage(this.resource, null);
		boolean unused = usage.equals(GatedEngine.Usage.NONE);
		LocalLockHandle stand;
		synchronized (this) {
			if (this.closed || this.handle == null || this.granted == null) {
				return this.handle == null && !this.inFlight && this.wanted == null && this.phantom == null;
			}
			if (this.inFlight || this.phantom != null || this.draining || this.refresh || !unused || this.touched
					|| this.idleSince < 0) {
				this.touched = false;
				this.idleSince = (unused && !this.inFlight && this.phantom == null) ? now : -1;
				return false;
			}
			if (now - this.idleSince < idleNanos) {
				return false;
			}
			stand = standIn();
		}
		startStandIn(stand);
		return false;
	}

	synchronized boolean isRetirable() {
		return this.handle == null && !this.inFlight && this.wanted == null && this.phantom == null && !this.queued;
	}

	/**
	 * The first step of a graceful close: when no local lock holds the resource any more,
	 * releases a node lock held in PW or EX with the local value block (or invalidating it, if
	 * it is invalid locally), as a blocking callback would, so that a value published by a
	 * local holder reaches the lock manager instead of going with the lockspace. A node lock
	 * that local holders still hold is left to the delegate's close, which the lock manager
	 * treats as a holder gone without unlocking.
	 * @return the release in flight, for the close to wait for, or {@code null}
	 */
	@Nullable CompletableFuture<DlmCompletion> publishOnClose() {
		GatedEngine.Usage usage = this.engine.usage(this.resource, null);
		GatedEngine.ValueBlock valueBlock = this.engine.valueBlock(this.resource);
		synchronized (this) {
			if (this.closed || this.inFlight || this.granted == null || !this.granted.writesValueBlock()
					|| valueBlock == null || usage.granted() + usage.converting() > 0) {
				return null;
			}
			CompletableFuture<DlmCompletion> future = releaseStep(usage, valueBlock);
			this.inFlight = (future != null);
			return future;
		}
	}

	synchronized void close() {
		this.closed = true;
	}

	/**
	 * A snapshot for {@link CachingLockspace#cachedLocks()}.
	 */
	CachedLock describe() {
		LocalLockHandle stand = this.phantom;
		GatedEngine.Usage usage = this.engine.usage(this.resource, stand);
		synchronized (this) {
			return new CachedLock(this.resource.toString(), this.granted, usage.granted() + usage.converting(),
					usage.converting() + usage.waiting(), stand != null);
		}
	}

	@Override
	public String toString() {
		return "NodeLock[" + this.resource + "]";
	}

}
