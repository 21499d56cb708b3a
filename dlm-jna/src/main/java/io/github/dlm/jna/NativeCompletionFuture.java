package io.github.dlm.jna;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReferenceFieldUpdater;
import java.util.concurrent.locks.LockSupport;

import org.jspecify.annotations.Nullable;

import io.github.dlm.core.DlmCompletion;

/**
 * The future of one native operation, whose blocking waits dispatch: a thread that calls
 * {@link #get()}, {@link #get(long, TimeUnit)} or {@link #join()} before the outcome
 * arrived reads the lockspace's completions itself while no other thread does
 * ({@link DlmDispatcher#await}), instead of parking until the dispatcher thread has read
 * and delivered it. Everything else is {@link CompletableFuture}'s; dependent futures are
 * plain ones.
 */
final class NativeCompletionFuture extends CompletableFuture<DlmCompletion> {

	private static final AtomicReferenceFieldUpdater<NativeCompletionFuture, Thread> WAITER = AtomicReferenceFieldUpdater
		.newUpdater(NativeCompletionFuture.class, Thread.class, "waiter");

	private final DlmDispatcher dispatcher;

	private volatile @Nullable Thread waiter;

	NativeCompletionFuture(DlmDispatcher dispatcher) {
		this.dispatcher = dispatcher;
	}

	@Override
	public DlmCompletion get() throws InterruptedException, ExecutionException {
		if (!isDone() && claim()) {
			try {
				this.dispatcher.await(this, DlmDispatcher.FOREVER, true);
			}
			finally {
				this.waiter = null;
			}
		}
		return super.get();
	}

	@Override
	public DlmCompletion get(long timeout, TimeUnit unit)
			throws InterruptedException, ExecutionException, TimeoutException {
		if (isDone() || !claim()) {
			return super.get(timeout, unit);
		}
		try {
			if (!this.dispatcher.await(this, Math.max(0, unit.toNanos(timeout)), true)) {
				throw new TimeoutException();
			}
		}
		finally {
			this.waiter = null;
		}
		return super.get();
	}

	@Override
	public DlmCompletion join() {
		if (!isDone() && claim()) {
			try {
				this.dispatcher.await(this, DlmDispatcher.FOREVER, false);
			}
			catch (InterruptedException ex) {
				throw new IllegalStateException("An uninterruptible wait was interrupted", ex);
			}
			finally {
				this.waiter = null;
			}
		}
		return super.join();
	}

	/**
	 * Makes the calling thread this future's dispatching waiter, if it has none: a second
	 * thread waiting for the same future waits as for any {@link CompletableFuture}, and
	 * the result then reaches both through the dispatcher thread.
	 */
	private boolean claim() {
		return WAITER.compareAndSet(this, null, Thread.currentThread());
	}

	@Override
	public boolean complete(DlmCompletion value) {
		boolean completed = super.complete(value);
		wakeWaiter();
		return completed;
	}

	@Override
	public boolean completeExceptionally(Throwable ex) {
		boolean completed = super.completeExceptionally(ex);
		wakeWaiter();
		return completed;
	}

	/**
	 * Whether a thread waits for this future and nothing else depends on it, so that
	 * completing it runs no code but that thread's wake-up: then any dispatching thread may
	 * complete it.
	 * @return {@code true} if so
	 */
	boolean onlyAwaited() {
		return this.waiter != null && getNumberOfDependents() == 0;
	}

	private void wakeWaiter() {
		Thread thread = this.waiter;
		if (thread != null) {
			LockSupport.unpark(thread);
		}
	}

}
