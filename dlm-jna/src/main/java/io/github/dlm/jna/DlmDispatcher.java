package io.github.dlm.jna;

import java.time.Duration;
import java.util.concurrent.locks.Lock;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import io.github.dlm.core.Errno;

/**
 * Delivers the completion and blocking callbacks (ASTs and BASTs) of one open lockspace on
 * a Java platform thread owned by this object, the way {@code dlm_ls_pthread_init} does in
 * C but without a foreign thread.
 * <p>
 * <b>Threading model.</b> The thread (a daemon, named as configured, by default
 * {@code dlm-dispatch-<lockspace>}) loops: {@code poll()} the lockspace descriptor for
 * {@code POLLIN} with a short timeout (so it notices {@link #stop()} within one interval),
 * then {@code dlm_dispatch(fd)}, which reads every queued completion, copies it into its
 * lock status block and calls {@link NativeCallbacks} in this thread. Every future of the
 * native backend is therefore completed on this thread. Callers of the lock API never
 * wait inside native code: lock and unlock calls are single non-blocking {@code write()}s
 * and callers park in Java on a {@link java.util.concurrent.CompletableFuture}, so any
 * number of waiting threads, virtual ones included, hold no native resources.
 * <p>
 * Each {@code dlm_dispatch} runs under the lockspace's dispatch lock. A cancel takes the
 * same lock around its {@code dlm_ls_unlock(LKF_CANCEL)}, because libdlm writes
 * {@code EINPROG} into the lock status block at every call: without the lock, a cancel
 * could overwrite a grant status that {@code dlm_dispatch} has just copied in but whose
 * callback has not read it yet.
 * <p>
 * Lifecycle: {@link #start()} once, {@link #stop()} once (it joins the thread); the native
 * backend starts and stops it with its lockspace.
 */
final class DlmDispatcher {

	private static final Log logger = LogFactory.getLog(DlmDispatcher.class);

	private final int fd;

	private final String threadName;

	private final int pollMillis;

	private final Lock dispatchLock;

	private volatile boolean running;

	private volatile @Nullable Thread thread;

	/**
	 * Creates a dispatcher, not yet started.
	 * @param libDlm the library, whose direct-mapped calls are bound by this
	 * @param fd the lockspace descriptor ({@code dlm_ls_get_fd})
	 * @param threadName the name of the dispatcher thread
	 * @param pollInterval how long one {@code poll()} waits before checking for
	 * {@link #stop()}: 1 ms .. 10 s
	 * @param dispatchLock held while callbacks are dispatched
	 */
	DlmDispatcher(LibDlm libDlm, int fd, String threadName, Duration pollInterval, Lock dispatchLock) {
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
		this.dispatchLock = dispatchLock;
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
	 * Stops the dispatcher and waits for its thread to end (at most a few poll intervals
	 * plus the callback running at that moment). Callbacks not yet dispatched stay queued in
	 * the kernel. Idempotent.
	 * @throws IllegalStateException if called from a callback on the dispatcher thread
	 */
	void stop() {
		Thread thread = this.thread;
		if (thread == Thread.currentThread()) {
			throw new IllegalStateException(
					"A DLM dispatcher cannot be stopped from one of its own callbacks; hand the work to another thread");
		}
		this.running = false;
		if (thread == null) {
			return;
		}
		boolean interrupted = false;
		while (thread.isAlive()) {
			try {
				thread.join();
			}
			catch (InterruptedException ex) {
				interrupted = true;
			}
		}
		if (interrupted) {
			Thread.currentThread().interrupt();
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

	private void loop() {
		try (Memory pollFd = new Memory(LibC.POLLFD_SIZE)) {
			while (this.running) {
				pollFd.setInt(0, this.fd);
				pollFd.setShort(LibC.POLLFD_EVENTS, LibC.POLLIN);
				pollFd.setShort(LibC.POLLFD_REVENTS, (short) 0);
				int ready = LibC.poll(pollFd, 1L, this.pollMillis);
				if (ready < 0) {
					int errno = Native.getLastError();
					if (errno != Errno.EINTR) {
						logger.error("poll() on DLM lockspace descriptor " + this.fd + " failed with errno " + errno);
						pause();
					}
					continue;
				}
				if (ready == 0 || !this.running) {
					continue;
				}
				if ((pollFd.getShort(LibC.POLLFD_REVENTS) & LibC.POLLIN) == 0) {
					// POLLERR/POLLHUP/POLLNVAL without data: nothing to dispatch; avoid a busy loop.
					logger.warn("DLM lockspace descriptor " + this.fd + " reported poll events 0x"
							+ Integer.toHexString(pollFd.getShort(LibC.POLLFD_REVENTS) & 0xffff) + " without data");
					pause();
					continue;
				}
				dispatch();
			}
		}
		catch (Throwable ex) {
			logger.error("DLM dispatcher " + this.threadName + " stopped unexpectedly; no more lock completions "
					+ "will be delivered for this lockspace", ex);
			this.running = false;
		}
	}

	private void dispatch() {
		this.dispatchLock.lock();
		try {
			if (LibDlmDirect.dlm_dispatch(this.fd) < 0) {
				logger.error("dlm_dispatch on descriptor " + this.fd + " failed with errno " + Native.getLastError());
				pause();
			}
		}
		finally {
			this.dispatchLock.unlock();
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

}
