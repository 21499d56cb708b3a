package io.github.dlm.lock;

import java.time.Duration;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.Lock;
import java.util.function.Function;

import io.micrometer.observation.Observation;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.springframework.util.Assert;

import io.github.dlm.core.DlmCompletion;
import io.github.dlm.core.DlmErrors;
import io.github.dlm.core.DlmException;
import io.github.dlm.core.DlmFlag;
import io.github.dlm.core.DlmLockHandle;
import io.github.dlm.core.DlmLockspace;
import io.github.dlm.core.DlmMode;
import io.github.dlm.core.DlmNames;
import io.github.dlm.core.DlmResourceName;
import io.github.dlm.core.DlmRequest;
import io.github.dlm.lock.observation.DlmLockOutcome;

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
 * The anchor carries the value block flag and re-reads the value after each publish, so
 * that when the resource's master node fails while only anchors remain, the kernel's
 * recovery rebuilds the value from their copies and marks it not valid
 * ({@link #isValueBlockValid()} {@code false}) rather than losing it silently.
 * Registries can turn this off ({@link DlmLockRegistry#setRetainValueBlocks(boolean)}).
 * <p>
 * A registry can issue {@linkplain #fencingToken() fencing tokens}: a number per grant in
 * PW or EX, greater than that of every earlier one, for the resources the lock protects to
 * refuse writes from a holder that was superseded.
 * <p>
 * Once the lockspace is closed (the application context stops), every lock in it has been
 * released by the close: {@link #unlock()} of a hold from before then succeeds quietly.
 */
public final class DlmLock implements Lock {

	private static final Log logger = LogFactory.getLog(DlmLock.class);

	private static final Set<DlmFlag> VALBLK = EnumSet.of(DlmFlag.VALBLK);

	private static final Set<DlmFlag> VALBLK_NOQUEUE = EnumSet.of(DlmFlag.VALBLK, DlmFlag.NOQUEUE);

	private final DlmLockRegistry registry;

	private final LockScope scope;

	private final Object key;

	private final DlmResourceName resourceName;

	private final DlmMode mode;

	private final LockUsage usage = new LockUsage();

	private volatile @Nullable DlmLockBlockingListener blockingListener;

	DlmLock(DlmLockRegistry registry, LockScope scope, Object key, DlmResourceName resourceName, DlmMode mode) {
		this.registry = registry;
		this.scope = scope;
		this.key = key;
		this.resourceName = resourceName;
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
		HeldLock hold = currentHold();
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
		HeldLock hold = currentHold();
		return (hold != null) ? hold.getCount() : 0;
	}

	/**
	 * Whether a thread or asynchronous hold of this JVM acquired through this lock object is
	 * held. Holders in other processes, or that acquired the resource through other lock
	 * objects, are not seen: use {@link #tryLock()} to ask the lock manager.
	 * @return {@code true} if a hold acquired through this object is held
	 */
	public boolean isLocked() {
		return this.usage.isHeld();
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
			acquire(DlmRequest.FOREVER, false);
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
		acquire(DlmRequest.FOREVER, true);
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
		HeldLock hold = requireHold(threadHolds, "unlock");
		if (hold.exit(this)) {
			threadHolds.remove(hold);
			hold.end(this);
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
		return asyncAcquisition((hold) -> {
			if (hold == null) {
				throw new CancellationException("The request for " + this + " was cancelled: its lockspace was closed");
			}
			return hold;
		}).start(newHandle(Thread.currentThread()), VALBLK, DlmRequest.FOREVER);
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
		long nanos = Math.max(0, TimeUnit.NANOSECONDS.convert(waitTime));
		return asyncAcquisition(Optional::ofNullable).start(newHandle(Thread.currentThread()),
				(nanos == 0) ? VALBLK_NOQUEUE : VALBLK, nanos);
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
			doConvert(newMode, DlmRequest.FOREVER, false);
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
	 * marked it invalid: a holder invalidated it, or recovery after a node failure could not
	 * be sure it is the last value (a PW or EX holder was lost, or the resource's master was
	 * lost while only NL or CR locks remained; the block then holds the surviving copy read
	 * last). A value that was lost because no lock existed on the resource reads as zeros
	 * and is still "valid".
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
	 * The fencing token of the current thread's grant of this lock's resource in PW or EX,
	 * when its registry {@linkplain DlmLockRegistry#setFencingTokens(boolean) issues
	 * fencing tokens}: a number greater than that of every earlier grant of the resource in
	 * PW or EX, by any holder on any node, for as long as the lock manager keeps the token
	 * companion's value block, and beyond that under the clock assumption described in
	 * {@link FencingTokens}. Pass it along with every write to the resource the lock
	 * protects, and let that resource refuse a write whose token is lower than one it has
	 * seen: a holder that was paused and superseded meanwhile is then refused.
	 * <p>
	 * One grant, one token: re-entries, and conversions between PW and EX, keep the token;
	 * a conversion up into PW or EX from a weaker mode is a new write grant (someone else
	 * may have written meanwhile) and gets a new token.
	 * @return the token, positive
	 * @throws IllegalMonitorStateException if the current thread does not hold this lock's
	 * resource
	 * @throws IllegalStateException if it holds it in a mode weaker than PW, or the registry
	 * issued no token when it was granted
	 */
	public long fencingToken() {
		return requireHold("read the fencing token of").fencingToken();
	}

	/**
	 * Opens the record of the last run of a job guarded by this lock, kept beside the lock
	 * (its own value block stays the application's): to read when the job last ran, and
	 * where, and to record this run, published when the record is closed. Costs a round
	 * trip to the lock manager to open and one to close; the registry keeps an NL lock on
	 * the record's companion resource until it is closed.
	 * @return the record, to close on this thread while still holding the lock
	 * @throws IllegalMonitorStateException if the current thread does not hold this lock's
	 * resource
	 * @throws IllegalStateException if it holds it in a mode weaker than PW (a weaker mode
	 * would not keep two nodes from running the job at once)
	 */
	public DlmRunRecord openRunRecord() {
		DlmMode held = requireHold("open the run record of").getMode();
		if (!held.writesValueBlock()) {
			throw new IllegalStateException("Cannot open the run record of " + this + ": it is held in " + held
					+ "; hold it in PW or EX, so that one node at a time runs the job");
		}
		return new DlmRunRecord(this.scope.runRecords().open(this.resourceName));
	}

	/**
	 * Whether this object keeps an NL lock on its resource to retain the value block.
	 * @return {@code true} if it does
	 */
	public boolean isRetainingValueBlock() {
		return this.scope.anchors().isRetaining(this);
	}

	/**
	 * Whether no thread or asynchronous owner holds or waits for this object, and it was
	 * last used at least {@code ageNanos} ago.
	 */
	boolean isExpirable(long nowNanos, long ageNanos) {
		return this.usage.isUnusedFor(nowNanos, ageNanos);
	}

	/** The value block anchors of this object's registry. */
	ValueBlockAnchors valueBlockAnchors() {
		return this.scope.anchors();
	}

	/** The resource name: holds and the registry's cache find a lock by it. */
	DlmResourceName resourceName() {
		return this.resourceName;
	}

	/** The holds of this object's registry: holds add and remove themselves. */
	CurrentHolds currentHolds() {
		return this.scope.holds();
	}

	/** The key as logs show it: arrays, which have identity strings, by the name they map to. */
	String shownKey() {
		return KeyNames.shown(this.key.getClass().isArray() ? this.resourceName.toString() : String.valueOf(this.key));
	}

	/** What this object's registry reports: observations and meters. */
	LockInstrumentation instrumentation() {
		return this.scope.instrumentation();
	}

	/** The fencing token issuer of this object's registry. */
	FencingTokenIssuer fencingTokens() {
		return this.scope.fencingTokens();
	}

	/** The lockspace as the registry was given it: holds are found by it. */
	DlmLockspace lockspace() {
		return this.scope.lockspace();
	}


	private @Nullable HeldLock currentHold() {
		return ThreadHolds.current().find(this.scope.lockspace(), this.resourceName);
	}

	/**
	 * Acquires for the current thread: re-enters its hold of the resource, or requests a new
	 * DLM lock.
	 * @param timeoutNanos {@link DlmRequest#FOREVER}, 0 for no queueing, else the longest wait
	 * @param interruptible whether an interrupt ends the wait
	 */
	private boolean acquire(long timeoutNanos, boolean interruptible) throws InterruptedException {
		ThreadHolds threadHolds = ThreadHolds.current();
		HeldLock hold = threadHolds.find(this.scope.lockspace(), this.resourceName);
		if (hold != null) {
			if (hold.handle.isEnded()) {
				throw new IllegalStateException("Cannot re-enter " + this + ": the lock held by thread '"
						+ Thread.currentThread().getName() + "' ended when its lockspace was closed");
			}
			DlmMode held = hold.getMode();
			Observation observation = (held.leastCovering(this.mode) != held)
					? this.scope.instrumentation().acquisitionStarted(this, held.leastCovering(this.mode), false) : null;
			if (observation == null) {
				return hold.reenter(this.mode, timeoutNanos, interruptible, this);
			}
			return observed(observation, timeoutNanos,
					() -> hold.reenter(this.mode, timeoutNanos, interruptible, this));
		}
		Observation observation = this.scope.instrumentation().acquisitionStarted(this, this.mode, false);
		if (observation == null) {
			return request(threadHolds, timeoutNanos, interruptible);
		}
		return observed(observation, timeoutNanos, () -> request(threadHolds, timeoutNanos, interruptible));
	}

	/**
	 * Runs an acquisition or conversion under its observation, which ends with its outcome.
	 */
	private static boolean observed(Observation observation, long timeoutNanos, Acquisition acquisition)
			throws InterruptedException {
		try {
			boolean acquired = acquisition.run();
			LockInstrumentation.acquisitionEnded(observation, acquired ? DlmLockOutcome.GRANTED
					: (timeoutNanos == 0) ? DlmLockOutcome.NOT_GRANTED : DlmLockOutcome.TIMED_OUT, null);
			return acquired;
		}
		catch (InterruptedException | RuntimeException ex) {
			LockInstrumentation.acquisitionEnded(observation, LockInstrumentation.outcomeOf(ex), ex);
			throw ex;
		}
	}

	/**
	 * Requests a new DLM lock for the current thread and waits for it.
	 * @param timeoutNanos {@link DlmRequest#FOREVER}, 0 for no queueing, else the longest wait
	 * @param interruptible whether an interrupt ends the wait
	 */
	private boolean request(ThreadHolds threadHolds, long timeoutNanos, boolean interruptible)
			throws InterruptedException {
		DlmLockHandle handle = newHandle(Thread.currentThread());
		LockInstrumentation instrumentation = this.scope.instrumentation();
		boolean acquired = false;
		try {
			DlmCompletion granted;
			instrumentation.waitStarted();
			try {
				granted = DlmRequest.lock(handle, this.mode, (timeoutNanos == 0) ? VALBLK_NOQUEUE : VALBLK)
					.await(timeoutNanos, interruptible);
			}
			finally {
				instrumentation.waitEnded();
			}
			if (granted == null) {
				return false;
			}
			HeldLock granting = new HeldLock(this, handle, granted, this.usage, this.scope.anchors(),
					Thread.currentThread());
			// the hold counts the acquisition from here on: ending it ends both
			acquired = true;
			issueFencingToken(granting);
			threadHolds.add(granting);
			return true;
		}
		finally {
			if (!acquired) {
				this.usage.acquisitionEnded();
			}
		}
	}

	/**
	 * Gives a new thread's hold its fencing token, if due, before the thread sees the
	 * grant; if that fails the lock is released again.
	 */
	private void issueFencingToken(HeldLock hold) {
		try {
			hold.issueFencingTokenAndWait();
		}
		catch (RuntimeException ex) {
			try {
				hold.end();
			}
			catch (RuntimeException unlock) {
				ex.addSuppressed(unlock);
			}
			throw ex;
		}
	}

	/**
	 * Begins an acquisition through this object: a new DLM lock whose blocking callbacks
	 * tell this object's listeners that the requester's hold blocks someone.
	 */
	private DlmLockHandle newHandle(Thread requester) {
		this.usage.acquisitionStarted();
		try {
			return this.scope.lockspace().newLock(this.resourceName, (blocking) -> {
				this.scope.instrumentation().blockingCallback();
				this.scope.holds().blockingCallback(blocking);
				blocking(requester);
			});
		}
		catch (RuntimeException ex) {
			this.usage.acquisitionEnded();
			throw ex;
		}
	}

	private <T> AsyncAcquisition<T> asyncAcquisition(Function<@Nullable DlmHold, T> outcome) {
		return new AsyncAcquisition<>(this, this.usage, this.scope.anchors(), outcome);
	}

	private boolean doConvert(DlmMode newMode, long timeoutNanos, boolean interruptible) throws InterruptedException {
		Assert.notNull(newMode, "Mode must not be null");
		HeldLock hold = requireHold("convert");
		if (newMode == hold.getMode()) {
			return true;
		}
		Observation observation = this.scope.instrumentation().acquisitionStarted(this, newMode, false);
		if (observation == null) {
			return hold.convert(newMode, timeoutNanos, interruptible, this);
		}
		return observed(observation, timeoutNanos, () -> hold.convert(newMode, timeoutNanos, interruptible, this));
	}

	private HeldLock requireHold(String action) {
		return requireHold(ThreadHolds.current(), action);
	}

	private HeldLock requireHold(ThreadHolds threadHolds, String action) {
		HeldLock hold = threadHolds.find(this.scope.lockspace(), this.resourceName);
		if (hold == null) {
			throw new IllegalMonitorStateException("Cannot " + action + " " + this + ": thread '"
					+ Thread.currentThread().getName() + "' does not hold it; only the thread that acquired a DlmLock "
					+ "can use or release it");
		}
		return hold;
	}

	private void blocking(Thread holder) {
		notify(this.scope.blockingListener(), holder);
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

	/**
	 * An acquisition or conversion to observe.
	 */
	@FunctionalInterface
	private interface Acquisition {

		boolean run() throws InterruptedException;

	}

	@Override
	public String toString() {
		return "DlmLock '" + shownKey() + "' (" + this.mode + ", resource '"
				+ this.resourceName.toString() + "' in lockspace '" + this.scope.lockspace().name()
				+ "')";
	}

}
