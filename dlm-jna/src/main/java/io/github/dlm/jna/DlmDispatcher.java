package io.github.dlm.jna;

import java.time.Duration;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

import com.sun.jna.Native;
import com.sun.jna.Pointer;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import io.github.dlm.core.Errno;

/**
 * Reads the completions and blocking callbacks (ASTs and BASTs) of one open lockspace from
 * its descriptor and delivers them to their lock handles, on the threads that wait for them
 * when there are some, and on a platform thread of its own otherwise.
 * <p>
 * <b>Reading.</b> The descriptor is non-blocking; each {@code read()} returns one
 * {@code struct dlm_lock_result} ({@link DlmLockResult}), routed to its handle by the token
 * it carries ({@link NativeCallbacks}). libdlm's {@code dlm_dispatch} is not used: it costs
 * two {@code fcntl} and an extra {@code read} per call and copies the result into a status
 * block that would have to stay allocated while the request waits ({@link DlmRequestBuffers}).
 * <p>
 * <b>Who reads: caller dispatch.</b> One thread at a time reads, the one holding the
 * dispatch permit. A thread that waits for the outcome of its own request
 * ({@link NativeCompletionFuture#get()}) takes the permit if it is free and reads until its
 * outcome has come, delivering what it reads on the way; otherwise it parks, registered as
 * a waiter. Whoever gives the permit up hands over ({@link #handOver()}): to the first
 * registered waiter, else to the dispatcher thread, which reads only while no caller is
 * registered ({@code poll()} with the configured interval, without the permit, then reads
 * under it) and otherwise stands by, parked. A waiter registers before it tries the permit
 * and a holder looks for waiters after it released it, so one of the two always sees the
 * other: no completion waits in the kernel while a thread waits for it and nobody reads.
 * <p>
 * <b>Where callbacks run.</b> A caller delivers inline only completions whose future has a
 * thread waiting for it and nothing else depending on it, so that delivering runs no code
 * but the waiter's wake-up. Everything else a caller reads (blocking callbacks, completions
 * of asynchronous requests whose dependent actions are user code) it hands to the
 * dispatcher thread, in order, and while any is not yet delivered it hands over everything it
 * reads, its own completion too. So results are delivered one after the other in the
 * kernel's order, as by a single thread (a completion seen means every earlier result was
 * delivered, which the step barrier of the operation sequences relies on), and listeners
 * and dependent actions run on the dispatcher thread, as before, never on a caller that may
 * hold locks of its own.
 * <p>
 * Lifecycle: {@link #start()} once, {@link #stop()} once (it joins the thread and keeps the
 * permit, so nothing reads the descriptor any more); the native backend starts and stops it
 * with its lockspace.
 */
final class DlmDispatcher {

	/** A wait limit meaning none. */
	static final long FOREVER = Long.MAX_VALUE;

	private static final Log logger = LogFactory.getLog(DlmDispatcher.class);

	/** How often the dispatcher thread yields to callers before it reads what it was woken for. */
	private static final int GRACE_YIELDS = 2;

	/** Where the {@code struct pollfd} lives in a lent buffer, behind the result. */
	private static final int POLLFD_OFFSET = DlmLockResult.MAX_READ;

	private final int fd;

	private final String threadName;

	private final int pollMillis;

	private final ReentrantLock permit;

	private final DlmRequestBuffers buffers;

	private final ConcurrentLinkedDeque<Thread> waiters = new ConcurrentLinkedDeque<>();

	private final Queue<HandedOver> handedOver = new ConcurrentLinkedQueue<>();

	/** Results handed to the dispatcher thread and not yet delivered. */
	private final AtomicInteger undelivered = new AtomicInteger();

	private final LongAdder completions = new LongAdder();

	private final LongAdder completionsByCallers = new LongAdder();

	private final LongAdder blockingCallbacks = new LongAdder();

	/** Time the dispatcher thread spent delivering. */
	private final LongAdder callbackNanos = new LongAdder();

	/** Whether the dispatcher thread is delivering now. */
	private volatile boolean delivering;

	private volatile boolean running;

	private volatile boolean standingBy;

	private volatile @Nullable Thread thread;

	/**
	 * Creates a dispatcher, not yet started.
	 * @param libDlm the library, whose direct-mapped calls are bound by this
	 * @param fd the lockspace descriptor ({@code dlm_ls_get_fd}), non-blocking
	 * @param threadName the name of the dispatcher thread
	 * @param pollInterval how long one {@code poll()} waits before checking for
	 * {@link #stop()}: 1 ms .. 10 s
	 * @param permit held while the descriptor is read
	 * @param buffers lends the read buffers of waiting callers
	 */
	DlmDispatcher(LibDlm libDlm, int fd, String threadName, Duration pollInterval, ReentrantLock permit,
			DlmRequestBuffers buffers) {
		if (fd < 0) {
			throw new IllegalArgumentException("The lockspace descriptor must not be negative but was " + fd);
		}
		if (threadName == null || threadName.isBlank()) {
			throw new IllegalArgumentException("The dispatcher thread name must not be empty");
		}
		NativeDlmSettings.checkPollInterval(pollInterval);
		LibDlmDirect.bind(libDlm);
		this.fd = fd;
		this.threadName = threadName;
		this.pollMillis = (int) pollInterval.toMillis();
		this.permit = permit;
		this.buffers = buffers;
	}

	/**
	 * Starts the dispatcher thread.
	 * @throws IllegalStateException if it was started before
	 */
	synchronized void start() {
		if (this.thread != null) {
			throw new IllegalStateException("DLM dispatcher " + this.threadName + " was already started");
		}
		Thread thread = new Thread(this::loop, this.threadName);
		thread.setDaemon(true);
		this.running = true;
		this.thread = thread;
		thread.start();
	}

	/**
	 * Stops the dispatcher: waits for its thread to end (at most a few poll intervals plus
	 * the callback running at that moment) and for a caller reading to give the permit up,
	 * and keeps the permit, so nothing reads the descriptor afterwards. Results not yet
	 * read stay queued in the kernel. Idempotent.
	 * @throws IllegalStateException if called from a callback on the dispatcher thread
	 */
	void stop() {
		Thread thread = this.thread;
		if (thread == Thread.currentThread()) {
			throw new IllegalStateException(
					"A DLM dispatcher cannot be stopped from one of its own callbacks; hand the work to another thread");
		}
		this.running = false;
		if (thread != null) {
			boolean interrupted = false;
			while (thread.isAlive()) {
				LockSupport.unpark(thread);
				try {
					thread.join(this.pollMillis);
				}
				catch (InterruptedException ex) {
					interrupted = true;
				}
			}
			if (interrupted) {
				Thread.currentThread().interrupt();
			}
		}
		if (!this.permit.isHeldByCurrentThread()) {
			this.permit.lock();
		}
		for (Thread waiter : this.waiters) {
			LockSupport.unpark(waiter);
		}
	}

	/**
	 * Whether the dispatcher thread is running.
	 * @return {@code true} between {@link #start()} and {@link #stop()}
	 */
	boolean isRunning() {
		Thread thread = this.thread;
		return this.running && thread != null && thread.isAlive();
	}

	/**
	 * Whether the calling thread is this dispatcher's thread.
	 * @return {@code true} inside a callback
	 */
	boolean isDispatcherThread() {
		return Thread.currentThread() == this.thread;
	}

	/**
	 * The dispatcher thread's name.
	 * @return the name
	 */
	String getThreadName() {
		return this.threadName;
	}

	/**
	 * Completions delivered so far.
	 * @return the count
	 */
	long completions() {
		return this.completions.sum();
	}

	/**
	 * Completions delivered by the threads waiting for them rather than by the dispatcher
	 * thread.
	 * @return the count
	 */
	long completionsByCallers() {
		return this.completionsByCallers.sum();
	}

	/**
	 * Blocking callbacks delivered so far.
	 * @return the count
	 */
	long blockingCallbacks() {
		return this.blockingCallbacks.sum();
	}

	/**
	 * Time the dispatcher thread has spent delivering so far: the listeners and the
	 * actions depending on completed futures that ran on it.
	 * @return the nanoseconds
	 */
	long callbackNanos() {
		return this.callbackNanos.sum();
	}

	/**
	 * Whether no result handed to the dispatcher thread waits for delivery and the thread
	 * delivers none now.
	 * @return {@code true} if idle
	 */
	boolean isIdle() {
		return this.undelivered.get() == 0 && !this.delivering;
	}

	/**
	 * The threads waiting in {@link #await} now.
	 * @return the count
	 */
	int waitingCallers() {
		return this.waiters.size();
	}

	/**
	 * Waits until a future is done, reading and delivering the lockspace's results while no
	 * other thread does. Called by the future's one dispatching waiter.
	 * @param future the future
	 * @param timeoutNanos the longest wait, or {@link #FOREVER}
	 * @param interruptible whether an interrupt ends the wait
	 * @return {@code true} if the future is done, {@code false} if the time ran out
	 * @throws InterruptedException if interruptible and interrupted; the status is then clear
	 */
	boolean await(NativeCompletionFuture future, long timeoutNanos, boolean interruptible)
			throws InterruptedException {
		long deadline = (timeoutNanos == FOREVER) ? FOREVER : System.nanoTime() + timeoutNanos;
		Thread current = Thread.currentThread();
		boolean interrupted = false;
		this.waiters.addLast(current);
		try {
			while (!future.isDone()) {
				if (Thread.interrupted()) {
					if (interruptible) {
						throw new InterruptedException();
					}
					interrupted = true;
				}
				long remaining = (deadline == FOREVER) ? FOREVER : deadline - System.nanoTime();
				if (remaining <= 0) {
					return false;
				}
				if (this.running && this.permit.tryLock()) {
					try {
						if (this.running) {
							readUntilDone(future, deadline, interruptible);
						}
					}
					finally {
						this.permit.unlock();
					}
				}
				else if (remaining == FOREVER) {
					LockSupport.park(this);
				}
				else {
					LockSupport.parkNanos(this, remaining);
				}
			}
			return true;
		}
		finally {
			this.waiters.removeFirstOccurrence(current);
			handOver();
			if (interrupted) {
				current.interrupt();
			}
		}
	}

	/**
	 * Lets the next reader in after the permit was given up or a waiter left: the first
	 * registered waiter, else the dispatcher thread if it stands by.
	 */
	private void handOver() {
		if (this.permit.isLocked()) {
			// whoever holds it hands over when it gives it up
			return;
		}
		Thread next = this.waiters.peekFirst();
		if (next != null) {
			LockSupport.unpark(next);
		}
		else if (this.standingBy) {
			Thread thread = this.thread;
			if (thread != null) {
				LockSupport.unpark(thread);
			}
		}
	}

	private void readUntilDone(NativeCompletionFuture future, long deadline, boolean interruptible) {
		boolean dispatcherThread = isDispatcherThread();
		DlmLksb buffer = this.buffers.acquire();
		try {
			Pointer memory = buffer.address();
			while (!future.isDone() && this.running) {
				DlmLockResult result = readOne(memory);
				if (result != null) {
					route(result, dispatcherThread);
					continue;
				}
				long remaining = (deadline == FOREVER) ? FOREVER : deadline - System.nanoTime();
				if (remaining <= 0 || (interruptible && Thread.currentThread().isInterrupted())) {
					return;
				}
				// While results wait for the dispatcher thread this one may be among them (it
				// cannot wake this thread from poll()): look again every millisecond.
				int waitMillis = (this.undelivered.get() > 0) ? 1
						: (int) Math.min(this.pollMillis, TimeUnit.NANOSECONDS.toMillis(remaining) + 1);
				if (poll(memory.share(POLLFD_OFFSET), waitMillis) < 0) {
					return;
				}
			}
		}
		finally {
			this.buffers.release(buffer);
		}
	}

	private void loop() {
		DlmLksb buffer = new DlmLksb();
		try {
			Pointer memory = buffer.address();
			while (this.running) {
				deliverHandedOver();
				if (!this.waiters.isEmpty()) {
					standBy();
					continue;
				}
				int ready = poll(memory.share(POLLFD_OFFSET), this.pollMillis);
				if (ready < 0) {
					pause();
					continue;
				}
				if (ready == 0 || !this.running) {
					continue;
				}
				// A thread that has just sent a request is about to wait for it: let it read
				// its own completion rather than hand it over (one or two yields on a busy CPU).
				for (int i = 0; i < GRACE_YIELDS && this.waiters.isEmpty(); i++) {
					Thread.yield();
				}
				if (!this.waiters.isEmpty() || !this.permit.tryLock()) {
					standBy();
					continue;
				}
				try {
					DlmLockResult result;
					while (this.running && this.waiters.isEmpty() && (result = readOne(memory)) != null) {
						route(result, true);
					}
				}
				finally {
					this.permit.unlock();
				}
				handOver();
			}
			deliverHandedOver();
		}
		catch (Throwable ex) {
			logger.error("DLM dispatcher " + this.threadName + " stopped unexpectedly; no more lock completions "
					+ "will be delivered for this lockspace", ex);
			this.running = false;
		}
		finally {
			buffer.free();
		}
	}

	/** Parks while callers read, until the last one leaves or hands results over. */
	private void standBy() {
		this.standingBy = true;
		try {
			if (this.running && !this.waiters.isEmpty() && this.handedOver.isEmpty()) {
				LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(this.pollMillis));
			}
		}
		finally {
			this.standingBy = false;
		}
	}

	/**
	 * Polls the descriptor.
	 * @return the number of ready descriptors (0 on timeout or {@code EINTR}), or -1 on an
	 * error or an event without data
	 */
	private int poll(Pointer pollFd, int millis) {
		pollFd.setInt(0, this.fd);
		pollFd.setShort(LibC.POLLFD_EVENTS, LibC.POLLIN);
		pollFd.setShort(LibC.POLLFD_REVENTS, (short) 0);
		int ready = LibC.poll(pollFd, 1L, millis);
		if (ready < 0) {
			int errno = Native.getLastError();
			if (errno == Errno.EINTR) {
				return 0;
			}
			logger.error("poll() on DLM lockspace descriptor " + this.fd + " failed with errno " + errno);
			return -1;
		}
		if (ready > 0 && (pollFd.getShort(LibC.POLLFD_REVENTS) & LibC.POLLIN) == 0) {
			// POLLERR/POLLHUP/POLLNVAL without data: nothing to read; avoid a busy loop.
			logger.warn("DLM lockspace descriptor " + this.fd + " reported poll events 0x"
					+ Integer.toHexString(pollFd.getShort(LibC.POLLFD_REVENTS) & 0xffff) + " without data");
			return -1;
		}
		return ready;
	}

	/**
	 * Reads one result.
	 * @return the result, or {@code null} if none is queued (or the read failed)
	 */
	private @Nullable DlmLockResult readOne(Pointer buffer) {
		for (;;) {
			long read = LibC.read(this.fd, buffer, DlmLockResult.MAX_READ);
			if (read >= 0) {
				return DlmLockResult.decode(buffer, read);
			}
			int errno = Native.getLastError();
			if (errno == Errno.EINTR) {
				continue;
			}
			if (errno != Errno.EAGAIN) {
				logger.error("read() of DLM lockspace descriptor " + this.fd + " failed with errno " + errno);
			}
			return null;
		}
	}

	/**
	 * Delivers a result read by this thread, or hands it to the dispatcher thread (see the
	 * class documentation).
	 */
	private void route(DlmLockResult result, boolean dispatcherThread) {
		NativeLockHandle handle = NativeCallbacks.lookup(result.token(), result.blocking() ? "blocking" : "completion");
		if (handle == null) {
			return;
		}
		if (dispatcherThread) {
			deliverHandedOver();
			deliver(handle, result, false);
		}
		else if (!result.blocking() && this.undelivered.get() == 0 && handle.pendingOnlyAwaited()) {
			deliver(handle, result, true);
		}
		else {
			this.undelivered.incrementAndGet();
			this.handedOver.add(new HandedOver(handle, result));
			Thread thread = this.thread;
			if (thread != null) {
				LockSupport.unpark(thread);
			}
		}
	}

	private void deliverHandedOver() {
		HandedOver next;
		while ((next = this.handedOver.poll()) != null) {
			try {
				deliver(next.handle(), next.result(), false);
			}
			finally {
				this.undelivered.decrementAndGet();
			}
		}
	}

	private void deliver(NativeLockHandle handle, DlmLockResult result, boolean byCaller) {
		if (byCaller) {
			deliverNow(handle, result, true);
			return;
		}
		this.delivering = true;
		long start = System.nanoTime();
		try {
			deliverNow(handle, result, false);
		}
		finally {
			this.callbackNanos.add(System.nanoTime() - start);
			this.delivering = false;
		}
	}

	private void deliverNow(NativeLockHandle handle, DlmLockResult result, boolean byCaller) {
		try {
			if (result.blocking()) {
				this.blockingCallbacks.increment();
				handle.onBlocking();
			}
			else {
				this.completions.increment();
				if (byCaller) {
					this.completionsByCallers.increment();
				}
				handle.onCompletion(result);
			}
		}
		catch (Throwable ex) {
			logger.error("DLM " + (result.blocking() ? "blocking callback listener" : "completion") + " of " + handle
					+ " failed", ex);
		}
	}

	private void pause() {
		try {
			Thread.sleep(this.pollMillis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			this.running = false;
		}
	}

	@Override
	public String toString() {
		return "DlmDispatcher[" + this.threadName + ", fd " + this.fd + (isRunning() ? ", running]" : ", stopped]");
	}

	private record HandedOver(NativeLockHandle handle, DlmLockResult result) {
	}

}
