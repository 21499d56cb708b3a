package io.github.dlm.lock;

import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Future;
import java.util.function.Function;

import io.micrometer.observation.Observation;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import io.github.dlm.core.DlmCompletion;
import io.github.dlm.core.DlmErrors;
import io.github.dlm.core.DlmException;
import io.github.dlm.core.DlmFlag;
import io.github.dlm.core.DlmLockHandle;
import io.github.dlm.core.DlmRequest;
import io.github.dlm.core.DlmStatus;
import io.github.dlm.lock.observation.DlmLockOutcome;

/**
 * One asynchronous acquisition of a {@link DlmLock}: the DLM request, the future handed to
 * the caller, and the rules that keep the two consistent without blocking any thread.
 * <ul>
 * <li>The caller cancelling the future cancels the request.</li>
 * <li>A wait limit cancels the request when it runs out (the lock manager's own timeouts
 * are ignored by current kernels).</li>
 * <li>A grant that arrives after the future was cancelled is unlocked at once, so a
 * cancelled or timed-out acquisition never leaks a lock.</li>
 * </ul>
 *
 * @param <T> what the future completes with: the hold, or an optional of it
 */
final class AsyncAcquisition<T> {

	private static final Log logger = LogFactory.getLog(AsyncAcquisition.class);

	private final DlmLock lock;

	private final LockUsage usage;

	private final ValueBlockAnchors anchors;

	private final Function<@Nullable DlmHold, T> outcome;

	private final CompletableFuture<T> result = new CompletableFuture<>();

	private final LockInstrumentation instrumentation;

	/** The observation of the acquisition, {@code null} when observations are off. */
	private @Nullable Observation observation;

	/** Whether the wait limit ran out and cancelled the request. */
	private volatile boolean waitLimitReached;

	/**
	 * Prepares an acquisition.
	 * @param lock the lock object acquired through
	 * @param usage its usage, where the acquisition has begun
	 * @param anchors the value block anchors of its registry
	 * @param outcome what the future completes with, given the hold or {@code null}
	 */
	AsyncAcquisition(DlmLock lock, LockUsage usage, ValueBlockAnchors anchors, Function<@Nullable DlmHold, T> outcome) {
		this.lock = lock;
		this.usage = usage;
		this.anchors = anchors;
		this.outcome = outcome;
		this.instrumentation = lock.instrumentation();
	}

	/**
	 * Sends the request.
	 * @param handle the new DLM lock to request
	 * @param flags the request flags
	 * @param timeoutNanos {@link DlmRequest#FOREVER}, 0 for NOQUEUE, else the longest wait
	 * @return the future handed to the caller
	 */
	CompletableFuture<T> start(DlmLockHandle handle, Set<DlmFlag> flags, long timeoutNanos) {
		CompletableFuture<DlmCompletion> request;
		this.observation = this.instrumentation.acquisitionStarted(this.lock, this.lock.mode(), true);
		this.instrumentation.waitStarted();
		try {
			request = handle.request(this.lock.mode(), flags, null);
		}
		catch (RuntimeException ex) {
			this.instrumentation.waitEnded();
			LockInstrumentation.acquisitionEnded(this.observation, LockInstrumentation.outcomeOf(ex), ex);
			this.usage.acquisitionEnded();
			throw ex;
		}
		this.result.whenComplete((value, failure) -> {
			if (this.result.isCancelled()) {
				handle.cancel();
			}
		});
		if (timeoutNanos > 0) {
			Future<?> waitLimit = AsyncHoldExecutors.afterWaitLimit(() -> {
				if (!request.isDone()) {
					this.waitLimitReached = true;
					handle.cancel();
				}
			}, timeoutNanos);
			request.whenComplete((completion, failure) -> waitLimit.cancel(false));
		}
		request.whenComplete((completion, failure) -> completed(handle, completion, failure));
		return this.result;
	}

	/** Runs where the completion arrives (the caller's or the dispatcher thread): never blocks. */
	private void completed(DlmLockHandle handle, @Nullable DlmCompletion completion, @Nullable Throwable failure) {
		this.instrumentation.waitEnded();
		if (failure != null || completion == null) {
			this.usage.acquisitionEnded();
			Throwable thrown = failure(failure);
			ended(LockInstrumentation.outcomeOf(thrown), thrown);
			this.result.completeExceptionally(thrown);
			return;
		}
		switch (completion.status()) {
			case GRANTED -> {
				HeldLock held = new HeldLock(this.lock, handle, completion, this.usage, this.anchors, null);
				held.issueFencingToken().whenComplete((issued, notIssued) -> {
					if (notIssued == null) {
						granted(new DlmHold(held));
					}
					else {
						AsyncHoldExecutors.release(held::end);
						Throwable thrown = (notIssued instanceof CompletionException wrapped
								&& wrapped.getCause() != null) ? wrapped.getCause() : notIssued;
						ended(DlmLockOutcome.ERROR, thrown);
						this.result.completeExceptionally(thrown);
					}
				});
			}
			case NOT_GRANTED, CANCELLED -> {
				this.usage.acquisitionEnded();
				ended(notGranted(completion), null);
				if (!this.result.isDone()) {
					try {
						this.result.complete(this.outcome.apply(null));
					}
					catch (RuntimeException ex) {
						this.result.completeExceptionally(ex);
					}
				}
			}
			default -> {
				this.usage.acquisitionEnded();
				DlmException thrown = DlmErrors.toException(completion.status(), "lock " + this.lock.mode(),
						this.lock.lockspace().name(), handle.resourceName());
				ended(LockInstrumentation.outcomeOf(thrown), thrown);
				this.result.completeExceptionally(thrown);
			}
		}
	}

	private DlmLockOutcome notGranted(DlmCompletion completion) {
		if (completion.status() == DlmStatus.NOT_GRANTED) {
			return DlmLockOutcome.NOT_GRANTED;
		}
		return (this.waitLimitReached && !this.result.isCancelled()) ? DlmLockOutcome.TIMED_OUT
				: DlmLockOutcome.CANCELLED;
	}

	private void granted(DlmHold hold) {
		if (this.result.complete(this.outcome.apply(hold))) {
			ended(DlmLockOutcome.GRANTED, null);
			return;
		}
		ended(DlmLockOutcome.CANCELLED, null);
		if (logger.isDebugEnabled()) {
			logger.debug("Grant of " + this.lock + " arrived after its asynchronous request was cancelled; "
					+ "unlocking it");
		}
		hold.release();
	}

	private void ended(DlmLockOutcome outcome, @Nullable Throwable failure) {
		LockInstrumentation.acquisitionEnded(this.observation, outcome, failure);
	}

	private Throwable failure(@Nullable Throwable cause) {
		if (cause instanceof RuntimeException || cause instanceof Error) {
			return cause;
		}
		return new DlmException("DLM lock " + this.lock.mode() + " of " + this.lock + " failed: " + cause, 0, cause);
	}

}
