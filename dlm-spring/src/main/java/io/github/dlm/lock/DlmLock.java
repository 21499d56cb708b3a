package io.github.dlm.lock;

import java.time.Duration;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CancellationException;
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
import org.springframework.util.Assert;

import io.github.dlm.core.DlmCompletion;
import io.github.dlm.core.DlmErrors;
import io.github.dlm.core.DlmException;
import io.github.dlm.core.DlmFlag;
import io.github.dlm.core.DlmLockHandle;
import io.github.dlm.core.DlmMode;
import io.github.dlm.core.DlmNames;
import io.github.dlm.core.DlmResourceName;
import io.github.dlm.core.DlmStatus;

/**
 * A {@link Lock} on one DLM resource in one mode, obtained from a {@link DlmLockRegistry}.
 * <p>
 * Every owner that acquires it gets its own DLM lock, so the lock manager arbitrates
 * between all holders: threads of this JVM as well as other processes and nodes. Shared
 * modes such as {@link DlmMode#PR} are therefore really shared between threads, and
 * exclusive modes exclude other threads of this JVM too.
 * <p>
 * <b>Reentrancy belongs to the resource, not to this object.</b> A thread's hold is found
 * by lockspace and resource name, so a thread that holds a resource re-enters it through
 * any lock object of the same lockspace: this one, one obtained again after
 * {@linkplain DlmLockRegistry#expireUnusedOlderThan(long) expiry}, one of another mode, or
 * one of another registry on the same lockspace handle. A re-entry whose mode the held mode
 * {@linkplain DlmMode#covers(DlmMode) covers} only counts; one that needs more (the thread
 * holds PR, or {@linkplain #convert(DlmMode) converted down}, and now asks for EX) converts
 * the thread's DLM lock up to the {@linkplain DlmMode#leastCovering(DlmMode) least mode
 * covering both}, waiting like any acquisition (a conversion deadlock with another thread
 * doing the same throws {@link io.github.dlm.core.DlmDeadlockException}), and the matching
 * {@link #unlock()} converts it back down. Only the outermost {@link #unlock()} releases the
 * DLM lock, and only the owning thread may release it.
 * <p>
 * Waiting threads park in Java on the completion of their request, so waiting costs no
 * native resources and works on virtual threads. A wait that ends by timeout or interrupt
 * cancels the request; if the grant wins that race the lock is released again before the
 * method returns, so nothing leaks.
 * <p>
 * <b>Asynchronous holds.</b> {@link #lockAsync()} and {@link #tryLockAsync(Duration)} give
 * a {@link DlmHold} owned by whoever asked, not by a thread: any thread may release it.
 * Cancelling the returned future cancels the request, and a grant that wins that race is
 * released, so nothing leaks either. {@code @DlmLocked} uses them to hold a lock until the
 * {@code CompletionStage}, {@code Mono} or {@code Flux} a method returns completes.
 * <p>
 * Beyond {@link Lock}: {@linkplain #convert(DlmMode) conversion} of the mode a thread holds,
 * the 32-byte {@linkplain #getValueBlock() lock value block} (read when granted, written on
 * release or down-conversion from PW or EX only when the holder
 * {@linkplain #setValueBlock(byte[]) set} a value: a holder that did not set one publishes
 * nothing, and a block marked invalid stays invalid until someone writes a value) and
 * {@linkplain #setBlockingListener blocking callbacks}.
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
 * Once the lockspace is closed (the application context stops), every lock in it has been
 * released by the close: {@link #unlock()} of a hold from before then succeeds quietly.
 */
public final class DlmLock implements Lock {

	private static final Log logger = LogFactory.getLog(DlmLock.class);

	private static final Set<DlmFlag> VALBLK = EnumSet.of(DlmFlag.VALBLK);

	private static final Set<DlmFlag> VALBLK_NOQUEUE = EnumSet.of(DlmFlag.VALBLK, DlmFlag.NOQUEUE);

	private static final Set<DlmFlag> INVALIDATE = EnumSet.of(DlmFlag.IVVALBLK);

	private static final Set<DlmFlag> INVALIDATE_NOQUEUE = EnumSet.of(DlmFlag.IVVALBLK, DlmFlag.NOQUEUE);

	private static final Set<DlmFlag> NONE = EnumSet.noneOf(DlmFlag.class);

	private static final Set<DlmFlag> NONE_NOQUEUE = EnumSet.of(DlmFlag.NOQUEUE);

	// granted at once even past waiting requests, so taking it never waits behind others
	private static final Set<DlmFlag> ANCHOR = EnumSet.of(DlmFlag.EXPEDITE);

	static final long FOREVER = -1;

	private final DlmLockRegistry registry;

	private final Object key;

	private final DlmResourceName resourceName;

	private final String nameKey;

	private final DlmMode mode;

	/** Holds acquired through this object and not yet released, threads' and asynchronous. */
	private final AtomicInteger holders = new AtomicInteger();

	/** Acquisitions through this object in progress or held: an object in use is not expired. */
	private final AtomicInteger users = new AtomicInteger();

	private volatile long lastUsedNanos = System.nanoTime();

	private volatile @Nullable DlmLockBlockingListener blockingListener;

	private final Object anchorMonitor = new Object();

	/** The NL lock keeping the resource's value block alive, once a value was published. */
	private @Nullable DlmLockHandle anchor;

	DlmLock(DlmLockRegistry registry, Object key, DlmResourceName resourceName, String nameKey, DlmMode mode) {
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
		return this.resourceName.toBytes();
	}

	DlmResourceName resourceName() {
		return this.resourceName;
	}

	/**
	 * The mode in which this lock is acquired.
	 * @return the mode
	 */
	public DlmMode mode() {
		return this.mode;
	}

	/**
	 * The mode in which the current thread holds this lock's resource right now, through
	 * this object or any other of the same lockspace: {@link #mode()} unless it
	 * {@linkplain #convert(DlmMode) converted} since or acquired the resource in another mode.
	 * @return the held mode, or {@code null} if the current thread does not hold the resource
	 */
	public @Nullable DlmMode getHeldMode() {
		DlmHold hold = currentHold();
		return (hold != null) ? hold.getMode() : null;
	}

	/**
	 * Whether the current thread holds this lock's resource, through this object or any
	 * other of the same lockspace.
	 * @return {@code true} if it does
	 */
	public boolean isHeldByCurrentThread() {
		return currentHold() != null;
	}

	/**
	 * How many times the current thread acquired this lock's resource without releasing it,
	 * through this object or any other of the same lockspace.
	 * @return the hold count, 0 if the current thread does not hold the resource
	 */
	public int getHoldCount() {
		DlmHold hold = currentHold();
		return (hold != null) ? hold.count : 0;
	}

	/**
	 * Whether a thread or asynchronous hold of this JVM acquired through this lock object is
	 * held. Holders in other processes, or that acquired the resource through other lock
	 * objects, are not seen: use {@link #tryLock()} to ask the lock manager.
	 * @return {@code true} if a hold acquired through this object is held
	 */
	public boolean isLocked() {
		return this.holders.get() > 0;
	}

	/**
	 * Sets a listener told when a hold of this lock blocks another request, in addition to
	 * the registry's listener.
	 * @param blockingListener the listener, {@code null} for none
	 */
	public void setBlockingListener(@Nullable DlmLockBlockingListener blockingListener) {
		this.blockingListener = blockingListener;
	}

	/**
	 * Acquires the lock, waiting as long as it takes. An interrupt does not end the wait;
	 * the thread's interrupt status is set again when the method returns.
	 * @throws DlmException if the lock manager refuses the request
	 * @throws io.github.dlm.core.DlmDeadlockException if a re-entry that had to convert up
	 * met a conversion deadlock; the thread keeps what it held
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
	 * {@link DlmFlag#NOQUEUE} request; a re-entry that needs a stronger mode converts with
	 * NOQUEUE).
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
	 */
	@Override
	public boolean tryLock(long time, TimeUnit unit) throws InterruptedException {
		if (Thread.interrupted()) {
			throw new InterruptedException();
		}
		return acquire(Math.max(0, unit.toNanos(time)), true);
	}

	/**
	 * Releases one hold of the current thread: a re-entry that converted up converts back
	 * down, and the outermost release unlocks the DLM lock, publishing the value block if it
	 * was {@linkplain #setValueBlock(byte[]) set} while held in PW or EX. The thread no
	 * longer holds the lock afterwards even if the lock manager reports a failure. After
	 * the lockspace was closed (which released every lock in it) this succeeds quietly.
	 * @throws IllegalMonitorStateException if the current thread does not hold this lock's
	 * resource
	 * @throws DlmException if the lock manager reports a failure to unlock
	 */
	@Override
	public void unlock() {
		ThreadHolds threadHolds = ThreadHolds.current();
		DlmHold hold = requireHold(threadHolds, "unlock");
		DlmMode restore = hold.exit();
		if (hold.count > 0) {
			DlmMode held = hold.heldMode;
			if (restore != null && held != restore && held.covers(restore)) {
				restoreMode(hold, restore);
			}
			return;
		}
		threadHolds.remove(hold);
		endHold(hold);
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
	 * Acquires the lock for an owner that is not a thread, waiting as long as it takes.
	 * The returned future completes with the hold once granted, on the thread that asked
	 * (granted at once) or on the backend's dispatcher thread: do not block in actions
	 * attached to it. Cancelling the future cancels the request; should the grant win that
	 * race, the lock is released again. The hold is not reentrant with the holds of threads:
	 * a thread that holds the resource and waits for this future waits for itself.
	 * @return a future of the hold, to {@linkplain DlmHold#release() release} from any thread
	 * @throws DlmException if the lock manager refuses the request outright
	 */
	public CompletableFuture<DlmHold> lockAsync() {
		return new AsyncAcquisition<>(this, (hold) -> {
			if (hold == null) {
				throw new CancellationException("The request for " + this + " was cancelled: its lockspace was closed");
			}
			return hold;
		}).start(VALBLK, FOREVER);
	}

	/**
	 * Acquires the lock for an owner that is not a thread if it is granted within the given
	 * time ({@link Duration#ZERO}: at once, a {@link DlmFlag#NOQUEUE} request). As
	 * {@link #lockAsync()}, but the future completes empty when the time ran out (the
	 * request is then cancelled, and a grant that won the race released).
	 * @param waitTime how long to wait; zero or negative asks without waiting
	 * @return a future of the hold, empty if not granted in time
	 * @throws DlmException if the lock manager refuses the request outright
	 */
	public CompletableFuture<Optional<DlmHold>> tryLockAsync(Duration waitTime) {
		Assert.notNull(waitTime, "Wait time must not be null; use Duration.ZERO to ask without waiting");
		long nanos = toNanos(waitTime);
		return new AsyncAcquisition<>(this, Optional::ofNullable).start((nanos == 0) ? VALBLK_NOQUEUE : VALBLK,
				nanos);
	}

	/**
	 * Converts the mode the current thread holds, waiting as long as it takes (up- or
	 * down-conversion; an interrupt does not end the wait). Converting down from PW or EX
	 * publishes the value block if one was set.
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
		return requireHold("read the value block of").getValueBlock();
	}

	/**
	 * Whether the value block read at grant is valid: {@code false} when the lock manager
	 * marked it invalid (it was invalidated, or lost in recovery). A value that was lost
	 * because no lock existed on the resource reads as zeros and is still "valid".
	 * @return {@code true} if valid
	 * @throws IllegalMonitorStateException if the current thread does not hold this lock
	 */
	public boolean isValueBlockValid() {
		return requireHold("read the value block of").isValueBlockValid();
	}

	/**
	 * Sets the value block to publish when the current thread releases the lock or
	 * converts it down. Unless the registry {@linkplain DlmLockRegistry#setRetainValueBlocks
	 * does not retain value blocks}, publishing makes this object keep an NL lock on the
	 * resource until it is expired or its registry is closed, so that the value survives
	 * while nobody holds the lock (see the class documentation).
	 * @param valueBlock exactly 32 bytes; copied
	 * @throws IllegalArgumentException if null or not 32 bytes
	 * @throws IllegalMonitorStateException if the current thread does not hold this lock
	 * @throws IllegalStateException if the thread holds a mode that does not write the value
	 * block (only PW and EX do)
	 */
	public void setValueBlock(byte[] valueBlock) {
		DlmNames.checkValueBlock(valueBlock);
		requireHold("write the value block of").setValueBlock(valueBlock);
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

	private @Nullable DlmHold currentHold() {
		return ThreadHolds.current().find(this.registry.getLockspace(), this.nameKey);
	}

	/**
	 * Acquires for the current thread: re-enters its hold of the resource, or requests a new
	 * DLM lock.
	 * @param timeoutNanos {@link #FOREVER}, 0 for no queueing, else the longest wait
	 * @param interruptible whether an interrupt ends the wait
	 */
	private boolean acquire(long timeoutNanos, boolean interruptible) throws InterruptedException {
		ThreadHolds threadHolds = ThreadHolds.current();
		DlmHold hold = threadHolds.find(this.registry.getLockspace(), this.nameKey);
		if (hold != null) {
			return reenter(hold, timeoutNanos, interruptible);
		}
		Thread thread = Thread.currentThread();
		DlmLockHandle handle = startAcquisition(thread);
		boolean acquired = false;
		try {
			CompletableFuture<DlmCompletion> request = handle.request(this.mode,
					(timeoutNanos == 0) ? VALBLK_NOQUEUE : VALBLK, null);
			DlmCompletion granted = await(handle, request, timeoutNanos, interruptible, null, this.mode);
			if (granted == null) {
				return false;
			}
			hold = new DlmHold(this, handle, granted, this.mode, false);
			threadHolds.add(hold);
			this.holders.incrementAndGet();
			acquired = true;
			return true;
		}
		finally {
			if (!acquired) {
				acquisitionEnded();
			}
		}
	}

	/**
	 * A re-entry: counts when the held mode covers this object's mode, else converts the
	 * hold up first (and back down when this acquisition is released).
	 */
	private boolean reenter(DlmHold hold, long timeoutNanos, boolean interruptible) throws InterruptedException {
		if (hold.handle.isEnded()) {
			throw new IllegalStateException("Cannot re-enter " + this + ": the lock held by thread '"
					+ Thread.currentThread().getName() + "' ended when its lockspace was closed");
		}
		DlmMode held = hold.heldMode;
		DlmMode needed = held.leastCovering(this.mode);
		if (needed == held) {
			hold.enter(null);
			return true;
		}
		if (!convertHold(hold, needed, timeoutNanos, interruptible)) {
			return false;
		}
		hold.enter(held);
		return true;
	}

	DlmLockHandle startAcquisition(Thread requester) {
		this.users.incrementAndGet();
		touch();
		try {
			return this.registry.getLockspace().newLock(this.resourceName, (blocking) -> blocking(requester));
		}
		catch (RuntimeException ex) {
			acquisitionEnded();
			throw ex;
		}
	}

	/** An acquisition through this object that did not lead to a hold ended. */
	void acquisitionEnded() {
		this.users.decrementAndGet();
		touch();
	}

	/** A hold acquired through this object began (asynchronous holds; threads count themselves). */
	void holdStarted() {
		this.holders.incrementAndGet();
	}

	private boolean doConvert(DlmMode newMode, long timeoutNanos, boolean interruptible) throws InterruptedException {
		Assert.notNull(newMode, "Mode must not be null");
		DlmHold hold = requireHold("convert");
		if (newMode == hold.heldMode) {
			return true;
		}
		return convertHold(hold, newMode, timeoutNanos, interruptible);
	}

	/**
	 * Converts a re-entered hold back down when the re-entry that converted it up ends;
	 * quiet when the lockspace was closed meanwhile, since closing released the lock.
	 */
	private void restoreMode(DlmHold hold, DlmMode restore) {
		try {
			convertHold(hold, restore);
		}
		catch (RuntimeException ex) {
			if (!hold.handle.isEnded()) {
				throw ex;
			}
			if (logger.isDebugEnabled()) {
				logger.debug("Conversion back to " + restore + " of " + this + " after its lockspace was closed: the "
						+ "close released it", ex);
			}
		}
	}

	/** Converts a hold without waiting limits; down-conversions are granted at once. */
	private void convertHold(DlmHold hold, DlmMode newMode) {
		try {
			convertHold(hold, newMode, FOREVER, false);
		}
		catch (InterruptedException ex) {
			throw new IllegalStateException("Uninterruptible conversion was interrupted", ex);
		}
	}

	/**
	 * Converts a hold, moving the value block by the kernel's rules: up-conversions read it;
	 * conversions from PW or EX publish the holder's value only if it set one, keep a block
	 * marked invalid invalid (IVVALBLK), and otherwise write nothing new.
	 */
	private boolean convertHold(DlmHold hold, DlmMode newMode, long timeoutNanos, boolean interruptible)
			throws InterruptedException {
		boolean noQueue = timeoutNanos == 0;
		DlmMode from = hold.heldMode;
		byte[] published = null;
		Set<DlmFlag> flags;
		boolean armed;
		if (ValueBlockTransfer.of(from, newMode) == ValueBlockTransfer.WRITE) {
			published = hold.dirtyValueBlock();
			if (published != null) {
				retainValueBlock(hold);
				flags = noQueue ? VALBLK_NOQUEUE : VALBLK;
				armed = true;
			}
			else if (!hold.isValueBlockValid()) {
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
		CompletableFuture<DlmCompletion> request = hold.handle.request(newMode, flags, published);
		// the lock manager keeps the flags of the last request, granted or not
		hold.armed = armed;
		DlmCompletion granted = await(hold.handle, request, timeoutNanos, interruptible, from, newMode);
		if (granted == null) {
			return false;
		}
		hold.converted(granted, newMode, published != null);
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
				throw DlmErrors.toException(outcome.status(), operation(convertedFrom, mode),
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
		unlockHandle(handle, null);
		return null;
	}

	private @Nullable DlmCompletion granted(DlmCompletion completion, @Nullable DlmMode convertedFrom,
			DlmMode mode) {
		return switch (completion.status()) {
			case GRANTED -> completion;
			case NOT_GRANTED -> null;
			default -> throw DlmErrors.toException(completion.status(),
					operation(convertedFrom, mode), this.registry.getLockspace().name(), this.resourceName);
		};
	}

	/**
	 * Releases a hold acquired through this object: publishes the value block if the holder
	 * set one, keeps an invalid block invalid, and unlocks. Quiet when the lockspace was
	 * closed meanwhile, since closing released the lock.
	 */
	void endHold(DlmHold hold) {
		try {
			releaseHeld(hold);
		}
		catch (RuntimeException ex) {
			// asked only on failure, off the hot path: closing the lockspace ended the lock
			if (!hold.handle.isEnded()) {
				logger.error("Failed to unlock " + this, ex);
				throw ex;
			}
			if (logger.isDebugEnabled()) {
				logger.debug("Unlock of " + this + " after its lockspace was closed: the close released it", ex);
			}
		}
		finally {
			this.holders.decrementAndGet();
			acquisitionEnded();
		}
	}

	private void releaseHeld(DlmHold hold) {
		DlmMode held = hold.heldMode;
		if (!held.writesValueBlock()) {
			unlockHandle(hold.handle, null);
			return;
		}
		byte[] published = hold.dirtyValueBlock();
		if (published != null) {
			retainValueBlock(hold);
			if (!hold.armed) {
				// the last request did not carry VALBLK: a same-mode conversion with it publishes
				requireGranted(hold.handle.request(held, VALBLK, published), "convert " + held + " to " + held);
			}
			unlockHandle(hold.handle, published);
		}
		else if (!hold.isValueBlockValid() && hold.armed) {
			// an unlock would write the invalid block back as valid: invalidate it again first
			requireGranted(hold.handle.request(DlmMode.NL, INVALIDATE, null), "convert " + held + " to NL");
			unlockHandle(hold.handle, null);
		}
		else {
			// republishes the buffer, which is the resource's own value (nobody else wrote since)
			unlockHandle(hold.handle, null);
		}
	}

	private void requireGranted(CompletableFuture<DlmCompletion> request, String operation) {
		DlmCompletion completion = awaitUninterruptibly(request);
		if (!completion.isGranted()) {
			throw DlmErrors.toException(completion.status(), operation,
					this.registry.getLockspace().name(), this.resourceName);
		}
	}

	private void unlockHandle(DlmLockHandle handle, byte @Nullable [] valueBlock) {
		DlmCompletion completion = awaitUninterruptibly(handle.unlock(valueBlock));
		if (completion.status() != DlmStatus.UNLOCKED && !handle.isEnded()) {
			throw DlmErrors.toException(completion.status(), "unlock",
					this.registry.getLockspace().name(), this.resourceName);
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
	static String operation(@Nullable DlmMode convertedFrom, DlmMode mode) {
		return (convertedFrom != null) ? "convert " + convertedFrom + " to " + mode : "lock " + mode;
	}

	RuntimeException failure(@Nullable Throwable cause, String operation) {
		if (cause instanceof RuntimeException runtimeException) {
			return runtimeException;
		}
		if (cause instanceof Error error) {
			throw error;
		}
		return new DlmException("DLM " + operation + " of " + this + " failed: " + cause, 0, cause);
	}

	private DlmHold requireHold(String action) {
		return requireHold(ThreadHolds.current(), action);
	}

	private DlmHold requireHold(ThreadHolds threadHolds, String action) {
		DlmHold hold = threadHolds.find(this.registry.getLockspace(), this.nameKey);
		if (hold == null) {
			throw new IllegalMonitorStateException("Cannot " + action + " " + this + ": thread '"
					+ Thread.currentThread().getName() + "' does not hold it; only the thread that acquired a DlmLock "
					+ "can use or release it");
		}
		return hold;
	}

	static long toNanos(Duration duration) {
		if (duration.isNegative() || duration.isZero()) {
			return 0;
		}
		try {
			return duration.toNanos();
		}
		catch (ArithmeticException ex) {
			return Long.MAX_VALUE;
		}
	}

	/**
	 * Takes the NL lock that keeps the resource, and so the value about to be published,
	 * alive once the holders are gone. Called while the current thread still holds its own
	 * lock, so the value cannot be lost in between. A failure is logged, not thrown: the
	 * holder's release matters more than keeping the value.
	 */
	private void retainValueBlock(DlmHold publisher) {
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
					throw DlmErrors.toException(granted.status(), "lock NL (value block anchor)",
							this.registry.getLockspace().name(), this.resourceName);
				}
				this.anchor = handle;
				if (!this.registry.anchored(this)) {
					releaseAnchor();
				}
			}
			catch (RuntimeException ex) {
				if (publisher.handle.isEnded()) {
					// the lockspace closed: the value goes with the publisher's lock, as it would anyway
					logger.debug("No NL lock to keep the value block of " + this + ": its lock has ended", ex);
				}
				else {
					logger.warn("Could not take the NL lock that keeps the value block of " + this + " alive; the "
							+ "value is lost once no lock on the resource remains", ex);
				}
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
					throw DlmErrors.toException(completion.status(), "unlock NL (value block anchor)",
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
		// arrays have identity strings: show what they name instead
		String shownKey = this.key.getClass().isArray() ? this.resourceName.toString()
				: String.valueOf(this.key);
		return "DlmLock '" + KeyNames.shown(shownKey) + "' (" + this.mode + ", resource '"
				+ this.resourceName + "' in lockspace '" + this.registry.getLockspace().name()
				+ "')";
	}

}
