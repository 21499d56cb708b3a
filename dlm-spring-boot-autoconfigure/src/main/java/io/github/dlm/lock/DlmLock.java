package io.github.dlm.lock;

import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.Lock;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import io.github.dlm.core.DlmCompletion;
import io.github.dlm.core.DlmErrors;
import io.github.dlm.core.DlmException;
import io.github.dlm.core.DlmFlag;
import io.github.dlm.core.DlmLockHandle;
import io.github.dlm.core.DlmMode;
import io.github.dlm.core.DlmNames;
import io.github.dlm.core.DlmStatus;

/**
 * A {@link Lock} on one DLM resource in one mode, obtained from a {@link DlmLockRegistry}.
 * <p>
 * Every thread that acquires it gets its own DLM lock, so the lock manager arbitrates
 * between all holders: threads of this JVM as well as other processes and nodes. Shared
 * modes such as {@link DlmMode#PR} are therefore really shared between threads, and
 * exclusive modes exclude other threads of this JVM too. The lock is reentrant per thread
 * like {@link java.util.concurrent.locks.ReentrantLock}: only the outermost
 * {@link #unlock()} releases the DLM lock, and only the thread that acquired it may release
 * it.
 * <p>
 * Waiting threads park in Java on the completion of their request, so waiting costs no
 * native resources and works on virtual threads. A wait that ends by timeout or interrupt
 * cancels the request; if the grant wins that race the lock is released again before the
 * method returns, so nothing leaks.
 * <p>
 * Beyond {@link Lock}: {@linkplain #convert(DlmMode) conversion} of the mode a thread holds,
 * the 32-byte {@linkplain #getValueBlock() lock value block} (read when granted, written on
 * release from PW or EX) and {@linkplain #setBlockingListener blocking callbacks}.
 * <p>
 * The lock manager keeps a resource's value block only while some lock exists on the
 * resource anywhere in the cluster; once the last one is released the value is gone and the
 * next holder reads zeros (without being told it is invalid). So that a value survives the
 * moments when nobody holds the lock, the first time a thread publishes a value through
 * this object, the object takes an NL lock of its own on the resource (an "anchor": NL
 * blocks nobody) before the value is published, and keeps it until the object is
 * {@linkplain DlmLockRegistry#expireUnusedOlderThan(long) expired} or its registry is
 * {@linkplain DlmLockRegistry#close() closed}. In short: a value lives as long as some
 * process that published it keeps its lock object (or anyone holds a lock on the resource).
 * Registries can turn this off ({@link DlmLockRegistry#setRetainValueBlocks(boolean)}).
 * <p>
 * A thread must not hold two locks of the same registry on the same resource in different
 * modes: the second DLM lock would wait for the first forever. Waiting acquisitions detect
 * this and throw {@link IllegalStateException}; use {@link #convert(DlmMode)} instead.
 */
public final class DlmLock implements Lock {

	private static final Log logger = LogFactory.getLog(DlmLock.class);

	private static final Set<DlmFlag> QUEUE = EnumSet.of(DlmFlag.VALBLK);

	private static final Set<DlmFlag> NO_QUEUE = EnumSet.of(DlmFlag.VALBLK, DlmFlag.NOQUEUE);

	// granted at once even past waiting requests, so taking it never waits behind others
	private static final Set<DlmFlag> ANCHOR = EnumSet.of(DlmFlag.EXPEDITE);

	private static final long FOREVER = -1;

	private final DlmLockRegistry registry;

	private final Object key;

	private final byte[] resourceName;

	private final String nameKey;

	private final DlmMode mode;

	/** Threads holding this object; each thread finds its own hold in {@link ThreadHolds}. */
	private final AtomicInteger holders = new AtomicInteger();

	private final AtomicInteger users = new AtomicInteger();

	private volatile long lastUsedNanos = System.nanoTime();

	private volatile @Nullable DlmLockBlockingListener blockingListener;

	private final Object anchorMonitor = new Object();

	/** The NL lock keeping the resource's value block alive, once a value was published. */
	private @Nullable DlmLockHandle anchor;

	DlmLock(DlmLockRegistry registry, Object key, byte[] resourceName, String nameKey, DlmMode mode) {
		this.registry = registry;
		this.key = key;
		this.resourceName = resourceName;
		this.nameKey = nameKey;
		this.mode = mode;
	}

	/**
	 * The key this lock was obtained with.
	 * @return the key
	 */
	public Object getKey() {
		return this.key;
	}

	/**
	 * The registry this lock came from.
	 * @return the registry
	 */
	public DlmLockRegistry getRegistry() {
		return this.registry;
	}

	/**
	 * The DLM resource name the key maps to.
	 * @return a copy of the name bytes
	 */
	public byte[] getResourceName() {
		return this.resourceName.clone();
	}

	/**
	 * The mode in which this lock is acquired.
	 * @return the mode
	 */
	public DlmMode mode() {
		return this.mode;
	}

	/**
	 * The mode the current thread holds right now: {@link #mode()} unless it
	 * {@linkplain #convert(DlmMode) converted} since.
	 * @return the held mode, or {@code null} if the current thread does not hold this lock
	 */
	public @Nullable DlmMode getHeldMode() {
		Hold hold = ThreadHolds.current().find(this);
		return (hold != null) ? hold.heldMode : null;
	}

	/**
	 * Whether the current thread holds this lock.
	 * @return {@code true} if it does
	 */
	public boolean isHeldByCurrentThread() {
		return ThreadHolds.current().find(this) != null;
	}

	/**
	 * How many times the current thread acquired this lock without releasing it.
	 * @return the hold count, 0 if not held by the current thread
	 */
	public int getHoldCount() {
		Hold hold = ThreadHolds.current().find(this);
		return (hold != null) ? hold.count : 0;
	}

	/**
	 * Whether any thread of this JVM holds this lock object. Holders in other processes,
	 * or through other registries, are not seen: use {@link #tryLock()} to ask the lock
	 * manager.
	 * @return {@code true} if a thread holds it through this object
	 */
	public boolean isLocked() {
		return this.holders.get() > 0;
	}

	/**
	 * Sets a listener told when a thread's hold of this lock blocks another request, in
	 * addition to the registry's listener.
	 * @param blockingListener the listener, {@code null} for none
	 */
	public void setBlockingListener(@Nullable DlmLockBlockingListener blockingListener) {
		this.blockingListener = blockingListener;
	}

	/**
	 * Acquires the lock, waiting as long as it takes. An interrupt does not end the wait;
	 * the thread's interrupt status is set again when the method returns.
	 * @throws DlmException if the lock manager refuses the request
	 * @throws IllegalStateException if the current thread holds this resource in another mode
	 */
	@Override
	public void lock() {
		try {
			acquire(FOREVER, false);
		}
		catch (InterruptedException ex) {
			throw new IllegalStateException("Uninterruptible acquisition was interrupted", ex);
		}
	}

	/**
	 * Acquires the lock unless the thread is interrupted; an interrupt while waiting
	 * cancels the request.
	 * @throws InterruptedException if interrupted before or while waiting
	 * @throws DlmException if the lock manager refuses the request
	 * @throws IllegalStateException if the current thread holds this resource in another mode
	 */
	@Override
	public void lockInterruptibly() throws InterruptedException {
		if (Thread.interrupted()) {
			throw new InterruptedException();
		}
		acquire(FOREVER, true);
	}

	/**
	 * Acquires the lock only if the lock manager can grant it at once (a
	 * {@link DlmFlag#NOQUEUE} request).
	 * @return {@code true} if acquired
	 * @throws DlmException if the lock manager refuses the request for another reason
	 */
	@Override
	public boolean tryLock() {
		try {
			return acquire(0, false);
		}
		catch (InterruptedException ex) {
			throw new IllegalStateException("Uninterruptible acquisition was interrupted", ex);
		}
	}

	/**
	 * Acquires the lock if it is granted within the given time. When the time runs out,
	 * or the thread is interrupted, the request is cancelled; should the grant win that
	 * race, the lock is released again. A time of zero or less asks without waiting, like
	 * {@link #tryLock()}.
	 * @param time how long to wait
	 * @param unit the unit of {@code time}
	 * @return {@code true} if acquired, {@code false} if the time ran out
	 * @throws InterruptedException if interrupted before or while waiting
	 * @throws DlmException if the lock manager refuses the request
	 * @throws IllegalStateException if the current thread holds this resource in another mode
	 */
	@Override
	public boolean tryLock(long time, TimeUnit unit) throws InterruptedException {
		if (Thread.interrupted()) {
			throw new InterruptedException();
		}
		return acquire(Math.max(0, unit.toNanos(time)), true);
	}

	/**
	 * Releases one hold of the current thread; the outermost release unlocks the DLM lock,
	 * publishing the value block if it was {@linkplain #setValueBlock(byte[]) set} while
	 * held in PW or EX. The thread no longer holds the lock afterwards even if the lock
	 * manager reports a failure.
	 * @throws IllegalMonitorStateException if the current thread does not hold this lock
	 * @throws DlmException if the lock manager reports a failure to unlock
	 */
	@Override
	public void unlock() {
		ThreadHolds threadHolds = ThreadHolds.current();
		Hold hold = requireHold(threadHolds, "unlock");
		if (--hold.count > 0) {
			return;
		}
		threadHolds.remove(hold);
		this.holders.decrementAndGet();
		try {
			byte[] published = hold.valueBlockToPublish();
			if (published != null) {
				retainValueBlock();
			}
			release(hold.handle, published);
		}
		finally {
			this.users.decrementAndGet();
			touch();
		}
	}

	/**
	 * Not supported: the DLM has no condition variables.
	 * @return never
	 * @throws UnsupportedOperationException always
	 */
	@Override
	public Condition newCondition() {
		throw new UnsupportedOperationException("DlmLock does not support conditions: the DLM has no condition "
				+ "variables. Coordinate waiting on top of the lock, for example with a Spring Integration "
				+ "channel or a JDK construct (java.util.concurrent) guarded by the lock");
	}

	/**
	 * Converts the mode the current thread holds, waiting as long as it takes (up- or
	 * down-conversion; an interrupt does not end the wait). Converting down from PW or EX
	 * publishes the value block.
	 * @param newMode the mode wanted
	 * @throws IllegalMonitorStateException if the current thread does not hold this lock
	 * @throws io.github.dlm.core.DlmDeadlockException if the lock manager detected a
	 * conversion deadlock; the thread keeps the mode it held
	 */
	public void convert(DlmMode newMode) {
		try {
			doConvert(newMode, FOREVER, false);
		}
		catch (InterruptedException ex) {
			throw new IllegalStateException("Uninterruptible conversion was interrupted", ex);
		}
	}

	/**
	 * Converts the mode the current thread holds if the lock manager can grant it at once.
	 * @param newMode the mode wanted
	 * @return {@code true} if converted, {@code false} if the thread keeps its mode
	 * @throws IllegalMonitorStateException if the current thread does not hold this lock
	 * @throws io.github.dlm.core.DlmDeadlockException on a conversion deadlock
	 */
	public boolean tryConvert(DlmMode newMode) {
		try {
			return doConvert(newMode, 0, false);
		}
		catch (InterruptedException ex) {
			throw new IllegalStateException("Uninterruptible conversion was interrupted", ex);
		}
	}

	/**
	 * Converts the mode the current thread holds if granted within the given time. On
	 * timeout or interrupt the conversion is cancelled and the thread keeps its mode; if
	 * the grant won that race the lock stays converted, the method returns {@code true}
	 * and, after an interrupt, the interrupt status is set again.
	 * @param newMode the mode wanted
	 * @param time how long to wait
	 * @param unit the unit of {@code time}
	 * @return {@code true} if converted
	 * @throws InterruptedException if interrupted and the conversion did not happen
	 * @throws IllegalMonitorStateException if the current thread does not hold this lock
	 * @throws io.github.dlm.core.DlmDeadlockException on a conversion deadlock
	 */
	public boolean tryConvert(DlmMode newMode, long time, TimeUnit unit) throws InterruptedException {
		if (Thread.interrupted()) {
			throw new InterruptedException();
		}
		return doConvert(newMode, Math.max(0, unit.toNanos(time)), true);
	}

	/**
	 * The lock value block as the current thread last read it (when granted or converted
	 * up) or {@linkplain #setValueBlock(byte[]) set} it.
	 * @return a copy of the 32 bytes
	 * @throws IllegalMonitorStateException if the current thread does not hold this lock
	 */
	public byte[] getValueBlock() {
		return requireHold("read the value block of").valueBlock.clone();
	}

	/**
	 * Whether the value block read at grant is valid: {@code false} when the lock manager
	 * marked it invalid (it was invalidated, or lost in recovery). A value that was lost
	 * because no lock existed on the resource reads as zeros and is still "valid".
	 * @return {@code true} if valid
	 * @throws IllegalMonitorStateException if the current thread does not hold this lock
	 */
	public boolean isValueBlockValid() {
		return requireHold("read the value block of").valueBlockValid;
	}

	/**
	 * Sets the value block to publish when the current thread releases the lock or
	 * converts it down. Unless the registry {@linkplain DlmLockRegistry#setRetainValueBlocks
	 * does not retain value blocks}, publishing makes this object keep an NL lock on the
	 * resource until it is expired or its registry is closed, so that the value survives
	 * while nobody holds the lock (see the class documentation).
	 * @param valueBlock exactly 32 bytes; copied
	 * @throws IllegalArgumentException if not 32 bytes
	 * @throws IllegalMonitorStateException if the current thread does not hold this lock
	 * @throws IllegalStateException if the thread holds a mode that does not write the value
	 * block (only PW and EX do)
	 */
	public void setValueBlock(byte[] valueBlock) {
		DlmNames.checkValueBlock(valueBlock);
		Hold hold = requireHold("write the value block of");
		if (!hold.heldMode.writesValueBlock()) {
			throw new IllegalStateException("Cannot set the value block of " + this + ": the current thread holds it in "
					+ hold.heldMode + ", and the DLM publishes value blocks only from PW or EX. Acquire or convert "
					+ "to PW or EX first");
		}
		hold.valueBlock = valueBlock.clone();
		hold.valueBlockDirty = true;
	}

	/**
	 * Whether this object keeps an NL lock on its resource to retain the value block.
	 * @return {@code true} if it does
	 */
	public boolean isRetainingValueBlock() {
		synchronized (this.anchorMonitor) {
			return this.anchor != null && !this.anchor.isEnded();
		}
	}

	boolean isExpirable(long nowNanos, long ageNanos) {
		return this.users.get() == 0 && nowNanos - this.lastUsedNanos >= ageNanos;
	}

	String nameKey() {
		return this.nameKey;
	}

	void touch() {
		this.lastUsedNanos = System.nanoTime();
	}

	/**
	 * Acquires for the current thread.
	 * @param timeoutNanos {@link #FOREVER}, 0 for no queueing, else the longest wait
	 * @param interruptible whether an interrupt ends the wait
	 */
	private boolean acquire(long timeoutNanos, boolean interruptible) throws InterruptedException {
		Thread thread = Thread.currentThread();
		ThreadHolds threadHolds = ThreadHolds.current();
		Hold hold = threadHolds.find(this);
		if (hold != null) {
			hold.count++;
			return true;
		}
		if (timeoutNanos != 0 && !threadHolds.isEmpty()) {
			checkNotHeldInOtherMode(threadHolds);
		}
		this.users.incrementAndGet();
		touch();
		boolean acquired = false;
		try {
			DlmLockHandle handle = this.registry.getLockspace()
				.newLock(this.resourceName, (blocking) -> blocking(thread));
			CompletableFuture<DlmCompletion> request = handle.request(this.mode, (timeoutNanos == 0) ? NO_QUEUE : QUEUE,
					null);
			DlmCompletion granted = await(handle, request, timeoutNanos, interruptible, null, this.mode);
			if (granted == null) {
				return false;
			}
			threadHolds.add(new Hold(this, handle, granted, this.mode));
			this.holders.incrementAndGet();
			acquired = true;
			return true;
		}
		finally {
			if (!acquired) {
				this.users.decrementAndGet();
				touch();
			}
		}
	}

	private boolean doConvert(DlmMode newMode, long timeoutNanos, boolean interruptible) throws InterruptedException {
		Hold hold = requireHold("convert");
		if (newMode == hold.heldMode) {
			return true;
		}
		byte[] published = hold.valueBlockToPublish();
		if (published != null) {
			retainValueBlock();
		}
		CompletableFuture<DlmCompletion> request = hold.handle.request(newMode, (timeoutNanos == 0) ? NO_QUEUE : QUEUE,
				published);
		DlmCompletion granted = await(hold.handle, request, timeoutNanos, interruptible, hold.heldMode, newMode);
		if (granted == null) {
			return false;
		}
		hold.heldMode = (granted.grantedMode() != null) ? granted.grantedMode() : newMode;
		if (published != null) {
			hold.valueBlockDirty = false;
		}
		byte[] read = granted.valueBlock();
		if (read != null) {
			hold.valueBlock = read;
			hold.valueBlockValid = !granted.isValueBlockInvalid();
			hold.valueBlockDirty = false;
		}
		return true;
	}

	/**
	 * Waits for a request or conversion: returns its completion when granted,
	 * {@code null} when not granted in time (the request is then cancelled and, for a new
	 * request whose grant won the race, unlocked again).
	 * @param convertedFrom the mode held before a conversion, {@code null} for a new request
	 * @param mode the mode requested
	 */
	private @Nullable DlmCompletion await(DlmLockHandle handle, CompletableFuture<DlmCompletion> request,
			long timeoutNanos, boolean interruptible, @Nullable DlmMode convertedFrom, DlmMode mode)
			throws InterruptedException {
		if (timeoutNanos == 0 || (timeoutNanos == FOREVER && !interruptible)) {
			return granted(awaitUninterruptibly(request), convertedFrom, mode);
		}
		DlmCompletion completion;
		try {
			completion = (timeoutNanos == FOREVER) ? request.get() : request.get(timeoutNanos, TimeUnit.NANOSECONDS);
		}
		catch (TimeoutException ex) {
			return abandon(handle, request, convertedFrom, mode);
		}
		catch (InterruptedException ex) {
			DlmCompletion won = abandon(handle, request, convertedFrom, mode);
			if (won != null) {
				// a conversion that won the race stays converted; tell the caller by the flag
				Thread.currentThread().interrupt();
				return won;
			}
			Thread.interrupted();
			throw ex;
		}
		catch (ExecutionException ex) {
			throw failure(ex.getCause(), operation(convertedFrom, mode));
		}
		return granted(completion, convertedFrom, mode);
	}

	/**
	 * Cancels a request that waited too long and waits for its final outcome. A new lock
	 * granted in the meantime is unlocked (returns {@code null}); a conversion granted in
	 * the meantime is kept (returns its completion).
	 */
	private @Nullable DlmCompletion abandon(DlmLockHandle handle, CompletableFuture<DlmCompletion> request,
			@Nullable DlmMode convertedFrom, DlmMode mode) {
		handle.cancel();
		DlmCompletion outcome = awaitUninterruptibly(request);
		if (!outcome.isGranted()) {
			if (outcome.status() == DlmStatus.DEADLOCK) {
				throw DlmErrors.toException(outcome.status().nativeValue(), operation(convertedFrom, mode),
						this.registry.getLockspace().name(), this.resourceName);
			}
			return null;
		}
		if (convertedFrom != null) {
			return outcome;
		}
		if (logger.isDebugEnabled()) {
			logger.debug("Grant of " + this + " won the race with its cancellation; unlocking it");
		}
		release(handle, null);
		return null;
	}

	private @Nullable DlmCompletion granted(DlmCompletion completion, @Nullable DlmMode convertedFrom,
			DlmMode mode) {
		return switch (completion.status()) {
			case GRANTED -> completion;
			case NOT_GRANTED -> null;
			default -> throw DlmErrors.toException(completion.status().nativeValue(),
					operation(convertedFrom, mode), this.registry.getLockspace().name(), this.resourceName);
		};
	}

	private void release(DlmLockHandle handle, byte @Nullable [] valueBlock) {
		try {
			DlmCompletion completion = awaitUninterruptibly(handle.unlock(valueBlock));
			if (completion.status() != DlmStatus.UNLOCKED) {
				throw DlmErrors.toException(completion.status().nativeValue(), "unlock",
						this.registry.getLockspace().name(), this.resourceName);
			}
		}
		catch (RuntimeException ex) {
			logger.error("Failed to unlock " + this, ex);
			throw ex;
		}
	}

	private DlmCompletion awaitUninterruptibly(CompletableFuture<DlmCompletion> future) {
		boolean interrupted = false;
		try {
			while (true) {
				try {
					return future.get();
				}
				catch (InterruptedException ex) {
					interrupted = true;
				}
				catch (ExecutionException ex) {
					throw failure(ex.getCause(), "wait for");
				}
			}
		}
		finally {
			if (interrupted) {
				Thread.currentThread().interrupt();
			}
		}
	}

	/** Names an operation in error messages; built only on failure, off the hot path. */
	private static String operation(@Nullable DlmMode convertedFrom, DlmMode mode) {
		return (convertedFrom != null) ? "convert " + convertedFrom + " to " + mode : "lock " + mode;
	}

	private RuntimeException failure(@Nullable Throwable cause, String operation) {
		if (cause instanceof RuntimeException runtimeException) {
			return runtimeException;
		}
		if (cause instanceof Error error) {
			throw error;
		}
		return new DlmException("DLM " + operation + " of " + this + " failed: " + cause, 0, cause);
	}

	/**
	 * Refuses a waiting acquisition by a thread that already holds the same resource in
	 * another mode through the same registry: its second DLM lock would wait for its first
	 * one forever.
	 */
	private void checkNotHeldInOtherMode(ThreadHolds threadHolds) {
		Hold other = threadHolds.findOtherMode(this);
		if (other != null) {
			throw new IllegalStateException("Thread '" + Thread.currentThread().getName() + "' already holds "
					+ other.lock + " and now waits for " + this + ": a second DLM lock of one thread on one resource "
					+ "would wait for the first one forever. Convert the held lock (DlmLock.convert) or "
					+ "release it first");
		}
	}

	private Hold requireHold(String action) {
		return requireHold(ThreadHolds.current(), action);
	}

	private Hold requireHold(ThreadHolds threadHolds, String action) {
		Hold hold = threadHolds.find(this);
		if (hold == null) {
			throw new IllegalMonitorStateException("Cannot " + action + " " + this + ": thread '"
					+ Thread.currentThread().getName() + "' does not hold it; only the thread that acquired a DlmLock "
					+ "can use or release it");
		}
		return hold;
	}

	/**
	 * Takes the NL lock that keeps the resource, and so the value about to be published,
	 * alive once the holders are gone. Called while the current thread still holds its own
	 * lock, so the value cannot be lost in between. A failure is logged, not thrown: the
	 * holder's release matters more than keeping the value.
	 */
	private void retainValueBlock() {
		if (!this.registry.isRetainValueBlocks()) {
			return;
		}
		synchronized (this.anchorMonitor) {
			if (this.anchor != null && !this.anchor.isEnded()) {
				return;
			}
			this.anchor = null;
			try {
				DlmLockHandle handle = this.registry.getLockspace().newLock(this.resourceName, null);
				DlmCompletion granted = awaitUninterruptibly(handle.request(DlmMode.NL, ANCHOR, null));
				if (granted.status() != DlmStatus.GRANTED) {
					throw DlmErrors.toException(granted.status().nativeValue(), "lock NL (value block anchor)",
							this.registry.getLockspace().name(), this.resourceName);
				}
				this.anchor = handle;
				if (!this.registry.anchored(this)) {
					releaseAnchor();
				}
			}
			catch (RuntimeException ex) {
				logger.warn("Could not take the NL lock that keeps the value block of " + this + " alive; the value "
						+ "is lost once no lock on the resource remains", ex);
			}
		}
	}

	/**
	 * Releases the value block anchor if this object has been unused for the given age.
	 * @return {@code true} if it has no anchor any more
	 */
	boolean releaseAnchorIfUnused(long nowNanos, long ageNanos) {
		synchronized (this.anchorMonitor) {
			if (!isExpirable(nowNanos, ageNanos)) {
				return false;
			}
			releaseAnchor();
			return true;
		}
	}

	/**
	 * Releases the value block anchor, if any: the value is then kept only as long as other
	 * locks on the resource exist.
	 */
	void releaseAnchor() {
		synchronized (this.anchorMonitor) {
			DlmLockHandle handle = this.anchor;
			this.anchor = null;
			this.registry.unanchored(this);
			if (handle == null || handle.isEnded()) {
				return;
			}
			try {
				DlmCompletion completion = awaitUninterruptibly(handle.unlock(null));
				if (completion.status() != DlmStatus.UNLOCKED) {
					throw DlmErrors.toException(completion.status().nativeValue(), "unlock NL (value block anchor)",
							this.registry.getLockspace().name(), this.resourceName);
				}
			}
			catch (RuntimeException ex) {
				if (!handle.isEnded()) {
					logger.warn("Could not release the NL lock that kept the value block of " + this + " alive", ex);
				}
			}
		}
	}

	private void blocking(Thread holder) {
		notify(this.registry.getBlockingListener(), holder);
		notify(this.blockingListener, holder);
	}

	private void notify(@Nullable DlmLockBlockingListener listener, Thread holder) {
		if (listener != null) {
			try {
				listener.blocking(this, this.key, holder);
			}
			catch (RuntimeException ex) {
				logger.warn("Blocking listener failed for " + this, ex);
			}
		}
	}

	@Override
	public String toString() {
		return "DlmLock '" + Utf8KeyStrategy.shown(String.valueOf(this.key)) + "' (" + this.mode + ", resource '"
				+ DlmErrors.printable(this.resourceName) + "' in lockspace '" + this.registry.getLockspace().name()
				+ "')";
	}

	/**
	 * One thread's hold of one lock object: its own DLM lock, hold count and value block.
	 * Touched only by the holding thread.
	 */
	static final class Hold {

		final DlmLock lock;

		final DlmLockHandle handle;

		int count = 1;

		DlmMode heldMode;

		byte[] valueBlock;

		boolean valueBlockValid;

		boolean valueBlockDirty;

		Hold(DlmLock lock, DlmLockHandle handle, DlmCompletion granted, DlmMode requested) {
			this.lock = lock;
			this.handle = handle;
			this.heldMode = (granted.grantedMode() != null) ? granted.grantedMode() : requested;
			byte[] read = granted.valueBlock();
			this.valueBlock = (read != null) ? read : handle.valueBlock();
			this.valueBlockValid = !granted.isValueBlockInvalid();
		}

		byte @Nullable [] valueBlockToPublish() {
			return (this.valueBlockDirty && this.heldMode.writesValueBlock()) ? this.valueBlock : null;
		}

	}

}
