package io.github.dlm.lock;

import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import io.micrometer.observation.Observation;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import io.github.dlm.core.DlmCompletion;
import io.github.dlm.core.DlmFlag;
import io.github.dlm.core.DlmLockHandle;
import io.github.dlm.core.DlmLockspace;
import io.github.dlm.core.DlmMode;
import io.github.dlm.core.DlmRequest;
import io.github.dlm.core.DlmResourceName;
import io.github.dlm.lock.observation.DlmLockObservation;

/**
 * One owner's hold of a DLM resource: its own DLM lock, the mode it holds, its view of the
 * lock value block, and, for a thread, its re-entries. The owner is a thread (the hold is
 * then found through {@link ThreadHolds}) or whoever asked for a {@link DlmHold}.
 * <p>
 * It carries out what happens to the DLM lock while held: a re-entry whose mode the held
 * mode does not cover converts up to the {@linkplain DlmMode#leastCovering(DlmMode) least
 * mode covering both} and converts back down when it ends; conversions and the release
 * move the value block by the kernel's rules, publishing a value only if the holder set one
 * (after taking its lock object's {@linkplain ValueBlockAnchors anchor}) and keeping a
 * block marked invalid invalid. When its registry issues
 * {@linkplain FencingTokens fencing tokens}, a hold granted in PW or EX, or converted up
 * into them from a weaker mode, gets the resource's next token before its owner does.
 * <p>
 * The state is guarded by the hold's monitor for readers on other threads; the DLM
 * operations are made by the owner, one at a time.
 * <p>
 * While it lasts, the hold is listed in its registry's {@link CurrentHolds}, with when it
 * started and how many blocking callbacks it received, for the {@link DlmLongHoldMonitor}
 * and {@link DlmHoldInfo snapshots}.
 */
final class HeldLock {

	private static final Log logger = LogFactory.getLog(HeldLock.class);

	private static final Set<DlmFlag> VALBLK = EnumSet.of(DlmFlag.VALBLK);

	private static final Set<DlmFlag> VALBLK_NOQUEUE = EnumSet.of(DlmFlag.VALBLK, DlmFlag.NOQUEUE);

	private static final Set<DlmFlag> INVALIDATE = EnumSet.of(DlmFlag.IVVALBLK);

	private static final Set<DlmFlag> INVALIDATE_NOQUEUE = EnumSet.of(DlmFlag.IVVALBLK, DlmFlag.NOQUEUE);

	private static final Set<DlmFlag> NONE = EnumSet.noneOf(DlmFlag.class);

	private static final Set<DlmFlag> NONE_NOQUEUE = EnumSet.of(DlmFlag.NOQUEUE);

	/** The lock object acquired through. */
	final DlmLock lock;

	final DlmLockHandle handle;

	final DlmLockspace lockspace;

	final DlmResourceName resourceName;

	private final LockUsage usage;

	private final ValueBlockAnchors anchors;

	/**
	 * The lock object the current call came through: a value published now is retained by
	 * its registry's anchors, for it. For a re-entry through another registry's lock object
	 * that is the other registry, not the one the hold was acquired through (which may be
	 * closed or not retain values).
	 */
	private volatile DlmLock publishVia;

	private final FencingTokenIssuer fencingTokens;

	/** The token issued to this hold, counted by its companion until the hold ends; null: none. */
	private FencingTokenIssuer.@Nullable Issued issued;

	/** The fencing token of the current PW or EX grant; 0 while there is none. */
	private long fencingToken;

	/** Acquisitions not yet released: 1 plus the re-entries of a thread. */
	private int count = 1;

	/** Per re-entry level (count - 1), the mode to convert back to when it is left; null: none. */
	private DlmMode @Nullable [] restoreModes;

	private DlmMode heldMode;

	private byte[] valueBlock;

	private boolean valueBlockValid;

	private boolean valueBlockDirty;

	/**
	 * Whether the DLM lock's last request carried VALBLK without IVVALBLK: a release from PW
	 * or EX then writes the lock's value block buffer to the resource.
	 */
	private boolean armed = true;

	/** The thread that owns the hold; {@code null} for an asynchronous hold. */
	private final @Nullable Thread owner;

	private final long startNanos = System.nanoTime();

	private final Instant since = Instant.now();

	private final AtomicInteger blockingCallbacks = new AtomicInteger();

	private boolean longHoldReported;

	/** The observation of the hold, {@code null} when observations are off. */
	private final @Nullable Observation observation;

	/**
	 * Starts a hold on a granted lock; its lock object's usage and its registry's current
	 * holds count it from now on.
	 * @param lock the lock object acquired through
	 * @param handle the granted DLM lock
	 * @param granted the grant
	 * @param usage the usage of {@code lock}
	 * @param anchors the value block anchors of {@code lock}'s registry
	 * @param owner the owning thread, {@code null} for an asynchronous hold
	 */
	HeldLock(DlmLock lock, DlmLockHandle handle, DlmCompletion granted, LockUsage usage, ValueBlockAnchors anchors,
			@Nullable Thread owner) {
		this.lock = lock;
		this.handle = handle;
		this.lockspace = lock.lockspace();
		this.resourceName = lock.resourceName();
		this.usage = usage;
		this.anchors = anchors;
		this.publishVia = lock;
		this.fencingTokens = lock.fencingTokens();
		this.heldMode = (granted.grantedMode() != null) ? granted.grantedMode() : lock.mode();
		byte[] read = granted.valueBlock();
		this.valueBlock = (read != null) ? read : handle.valueBlock();
		this.valueBlockValid = !granted.isValueBlockInvalid();
		this.owner = owner;
		this.observation = lock.instrumentation().holdStarted(lock, this.heldMode, owner == null);
		usage.holdStarted();
		lock.currentHolds().started(this);
	}

	synchronized DlmMode getMode() {
		return this.heldMode;
	}

	synchronized int getCount() {
		return this.count;
	}

	synchronized byte[] getValueBlock() {
		return this.valueBlock.clone();
	}

	synchronized boolean isValueBlockValid() {
		return this.valueBlockValid;
	}

	/**
	 * The fencing token of this hold's current grant in PW or EX.
	 * @throws IllegalStateException if the hold has none: its registry issues no tokens,
	 * or it is held in a mode weaker than PW
	 */
	synchronized long fencingToken() {
		if (this.fencingToken != 0 && this.heldMode.writesValueBlock()) {
			return this.fencingToken;
		}
		if (!this.heldMode.writesValueBlock()) {
			throw new IllegalStateException("No fencing token for " + this.lock + ": it is held in " + this.heldMode
					+ ", and fencing tokens are issued for grants in PW or EX only");
		}
		throw new IllegalStateException("No fencing token for " + this.lock + ": its registry did not issue fencing "
				+ "tokens when it was granted. Turn them on with DlmLockRegistry.setFencingTokens(true) (Spring Boot: "
				+ "dlm.registry.fencing-tokens.enabled=true)");
	}

	/**
	 * Issues the next fencing token of the resource to this hold if it is held in PW or
	 * EX and its registry issues tokens. Never blocks.
	 * @return a future completed once the token is issued (at once when none is due)
	 */
	CompletableFuture<Void> issueFencingToken() {
		if (!this.fencingTokens.isEnabled() || !getMode().writesValueBlock()) {
			return CompletableFuture.completedFuture(null);
		}
		return this.fencingTokens.issue(this.resourceName).thenAccept(this::fencingTokenIssued);
	}

	/**
	 * Issues the next fencing token as {@link #issueFencingToken()} does and waits for it;
	 * an interrupt does not end the wait and is set again on return.
	 * @throws RuntimeException if the lock manager failed to issue it
	 */
	void issueFencingTokenAndWait() {
		DlmRequest.join(issueFencingToken());
	}

	private void fencingTokenIssued(FencingTokenIssuer.Issued issued) {
		FencingTokenIssuer.Issued previous;
		synchronized (this) {
			previous = this.issued;
			this.issued = issued;
			this.fencingToken = issued.token();
		}
		if (previous != null) {
			previous.holdEnded();
		}
	}

	private void fencingTokenEnded() {
		FencingTokenIssuer.Issued previous;
		synchronized (this) {
			previous = this.issued;
			this.issued = null;
			this.fencingToken = 0;
		}
		if (previous != null) {
			previous.holdEnded();
		}
	}

	/**
	 * Sets the value block to publish on release or down-conversion.
	 * @param valueBlock 32 bytes, checked by the caller; copied
	 * @throws IllegalStateException if held in a mode that does not write it
	 */
	synchronized void setValueBlock(byte[] valueBlock) {
		if (!this.heldMode.writesValueBlock()) {
			throw new IllegalStateException("Cannot set the value block of " + this.lock + ": it is held in "
					+ this.heldMode + ", and the DLM publishes value blocks only from PW or EX. Acquire or "
					+ "convert to PW or EX first");
		}
		this.valueBlock = valueBlock.clone();
		this.valueBlockDirty = true;
	}

	/**
	 * Re-enters the hold in a mode: counts when the held mode covers it, else converts up
	 * to the least mode covering both first (and back down when this re-entry is
	 * {@linkplain #exit() left}).
	 * @param mode the mode of the re-entering acquisition
	 * @param timeoutNanos {@link DlmRequest#FOREVER}, 0 for no queueing, else the longest wait
	 * @param interruptible whether an interrupt ends the wait
	 * @param via the lock object re-entering
	 * @return {@code false} if a conversion was needed and not granted in time
	 */
	boolean reenter(DlmMode mode, long timeoutNanos, boolean interruptible, DlmLock via)
			throws InterruptedException {
		this.publishVia = via;
		DlmMode held = this.heldMode;
		DlmMode needed = held.leastCovering(mode);
		if (needed == held) {
			enter(null);
			return true;
		}
		if (!convert(needed, timeoutNanos, interruptible)) {
			return false;
		}
		enter(held);
		return true;
	}

	/**
	 * Leaves one acquisition: a re-entry that converted up converts back down (quietly once
	 * the lockspace was closed, since closing released the lock).
	 * @param via the lock object leaving
	 * @return {@code true} if that was the outermost one: the hold is to be {@link #end() ended}
	 */
	boolean exit(DlmLock via) {
		this.publishVia = via;
		DlmMode restore = leave();
		if (this.count == 0) {
			return true;
		}
		DlmMode held = this.heldMode;
		if (restore != null && held != restore && held.covers(restore)) {
			restore(restore);
		}
		return false;
	}

	/**
	 * Converts the hold, moving the value block by the kernel's rules: up-conversions read
	 * it; conversions from PW or EX publish the holder's value only if it set one, keep a
	 * block marked invalid invalid (IVVALBLK), and otherwise write nothing new.
	 * @param newMode the mode wanted
	 * @param timeoutNanos {@link DlmRequest#FOREVER}, 0 for no queueing, else the longest wait
	 * @param interruptible whether an interrupt ends the wait
	 * @param via the lock object converting
	 * @return {@code true} if converted
	 */
	boolean convert(DlmMode newMode, long timeoutNanos, boolean interruptible, DlmLock via)
			throws InterruptedException {
		this.publishVia = via;
		return convert(newMode, timeoutNanos, interruptible);
	}

	private boolean convert(DlmMode newMode, long timeoutNanos, boolean interruptible) throws InterruptedException {
		boolean noQueue = timeoutNanos == 0;
		DlmMode from = this.heldMode;
		byte[] published = null;
		Set<DlmFlag> flags;
		boolean armed;
		if (ValueBlockTransfer.of(from, newMode) == ValueBlockTransfer.WRITE) {
			published = dirtyValueBlock();
			if (published != null) {
				retainValueBlock();
				flags = noQueue ? VALBLK_NOQUEUE : VALBLK;
				armed = true;
			}
			else if (!isValueBlockValid()) {
				flags = noQueue ? INVALIDATE_NOQUEUE : INVALIDATE;
				armed = false;
			}
			else {
				// VALBLK republishes the buffer, which is the resource's value: nothing new
				flags = newMode.writesValueBlock() ? (noQueue ? VALBLK_NOQUEUE : VALBLK)
						: (noQueue ? NONE_NOQUEUE : NONE);
				armed = newMode.writesValueBlock();
			}
		}
		else {
			flags = noQueue ? VALBLK_NOQUEUE : VALBLK;
			armed = true;
		}
		DlmRequest request = DlmRequest.convert(this.handle, newMode, flags, published);
		// the lock manager keeps the flags of the last request, granted or not
		this.armed = armed;
		DlmCompletion granted = request.await(timeoutNanos, interruptible);
		if (granted == null) {
			return false;
		}
		converted(granted, newMode, published != null);
		if (published != null) {
			valueBlockPublished();
		}
		if (!from.writesValueBlock() && newMode.writesValueBlock()) {
			fencingTokenAfterUpConversion(from);
		}
		return true;
	}

	/**
	 * A conversion from a weaker mode into PW or EX is a new write grant: others may have
	 * written since, so it gets a new token. If that fails, the hold goes back to the mode
	 * it came from, so that it is never held in PW or EX without a token.
	 */
	private void fencingTokenAfterUpConversion(DlmMode from) {
		try {
			issueFencingTokenAndWait();
		}
		catch (RuntimeException ex) {
			try {
				convertUninterruptibly(from);
			}
			catch (RuntimeException back) {
				ex.addSuppressed(back);
			}
			throw ex;
		}
	}

	/**
	 * Ends the hold: publishes the value block if the holder set one, keeps an invalid
	 * block invalid, and unlocks. Quiet when the lockspace was closed meanwhile, since
	 * closing released the lock. The lock object no longer counts the hold afterwards, even
	 * if the lock manager reports a failure.
	 */
	void end() {
		end(this.lock);
	}

	/**
	 * Ends the hold as {@link #end()} does, through a given lock object.
	 * @param via the lock object ending it
	 */
	void end(DlmLock via) {
		this.publishVia = via;
		try {
			release();
		}
		catch (RuntimeException ex) {
			// asked only on failure, off the hot path: closing the lockspace ended the lock
			if (!this.handle.isEnded()) {
				logger.error("Failed to unlock " + this.lock, ex);
				throw ex;
			}
			if (logger.isDebugEnabled()) {
				logger.debug("Unlock of " + this.lock + " after its lockspace was closed: the close released it", ex);
			}
		}
		finally {
			fencingTokenEnded();
			this.lock.currentHolds().ended(this);
			this.usage.holdEnded();
			if (this.observation != null) {
				this.observation.stop();
			}
		}
	}

	private void retainValueBlock() {
		DlmLock via = this.publishVia;
		((via == this.lock) ? this.anchors : via.valueBlockAnchors()).retain(via, this.handle);
	}

	/** Lets the anchor that retains a value just published keep a copy of it, for recovery. */
	private void valueBlockPublished() {
		DlmLock via = this.publishVia;
		((via == this.lock) ? this.anchors : via.valueBlockAnchors()).published(via);
	}

	private void release() {
		DlmMode held = this.heldMode;
		if (!held.writesValueBlock()) {
			DlmRequest.unlock(this.handle, null);
			return;
		}
		byte[] published = dirtyValueBlock();
		if (published != null) {
			retainValueBlock();
			if (!this.armed) {
				// the last request did not carry VALBLK: a same-mode conversion with it publishes
				DlmRequest.convert(this.handle, held, VALBLK, published).join();
			}
			DlmRequest.unlock(this.handle, published);
			valueBlockPublished();
		}
		else if (!isValueBlockValid() && this.armed) {
			// an unlock would write the invalid block back as valid: invalidate it again first
			DlmRequest.convert(this.handle, DlmMode.NL, INVALIDATE, null).join();
			DlmRequest.unlock(this.handle, null);
		}
		else {
			// republishes the buffer, which is the resource's own value (nobody else wrote since)
			DlmRequest.unlock(this.handle, null);
		}
	}

	/**
	 * Converts a re-entered hold back down (granted at once); quiet when the lockspace was
	 * closed meanwhile, since closing released the lock.
	 */
	private void restore(DlmMode restore) {
		try {
			convertUninterruptibly(restore);
		}
		catch (RuntimeException ex) {
			if (!this.handle.isEnded()) {
				throw ex;
			}
			if (logger.isDebugEnabled()) {
				logger.debug("Conversion back to " + restore + " of " + this.lock + " after its lockspace was closed: "
						+ "the close released it", ex);
			}
		}
	}

	private void convertUninterruptibly(DlmMode newMode) {
		try {
			convert(newMode, DlmRequest.FOREVER, false);
		}
		catch (InterruptedException ex) {
			throw new IllegalStateException("Uninterruptible conversion was interrupted", ex);
		}
	}

	/** Records one more acquisition by the owning thread; {@code restore} is converted back to when it ends. */
	private synchronized void enter(@Nullable DlmMode restore) {
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

	/** Records the end of one acquisition; returns the mode to convert back to, or {@code null}. */
	private synchronized @Nullable DlmMode leave() {
		this.count--;
		if (this.restoreModes == null || this.count >= this.restoreModes.length) {
			return null;
		}
		DlmMode restore = this.restoreModes[this.count];
		this.restoreModes[this.count] = null;
		return restore;
	}

	private synchronized byte @Nullable [] dirtyValueBlock() {
		return this.valueBlockDirty ? this.valueBlock.clone() : null;
	}

	/** Applies a granted conversion to the hold's mode and value block. */
	private synchronized void converted(DlmCompletion granted, DlmMode requested, boolean published) {
		DlmMode from = this.heldMode;
		this.heldMode = (granted.grantedMode() != null) ? granted.grantedMode() : requested;
		if (!this.heldMode.writesValueBlock()) {
			// the token belongs to the write grant that ends here
			this.fencingToken = 0;
		}
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

	/** The owning thread, {@code null} for an asynchronous hold. */
	@Nullable Thread owner() {
		return this.owner;
	}

	/** When the hold started, by {@link System#nanoTime()}. */
	long startNanos() {
		return this.startNanos;
	}

	/** Counts a blocking callback received while held. */
	void blockingCallback() {
		this.blockingCallbacks.incrementAndGet();
		if (this.observation != null) {
			this.observation.event(DlmLockObservation.HoldEvents.BLOCKING);
		}
	}

	/**
	 * Marks the hold as reported for lasting too long.
	 * @return {@code true} the first time only
	 */
	synchronized boolean markLongHoldReported() {
		if (this.longHoldReported) {
			return false;
		}
		this.longHoldReported = true;
		return true;
	}

	/**
	 * A snapshot of the hold.
	 * @param nowNanos now, by {@link System#nanoTime()}
	 */
	DlmHoldInfo info(long nowNanos) {
		Thread owner = this.owner;
		return new DlmHoldInfo(this.lock.shownKey(), this.lockspace.name(), this.resourceName.toString(), getMode(),
				(owner != null) ? owner.getName() : null, this.since,
				Duration.ofNanos(Math.max(0, nowNanos - this.startNanos)), this.blockingCallbacks.get());
	}

	@Override
	public String toString() {
		return "hold of " + this.lock;
	}

}
