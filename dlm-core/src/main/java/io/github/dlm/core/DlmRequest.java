package io.github.dlm.core;

import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * One request or conversion sent on a {@link DlmLockHandle}, and the one safe way to wait
 * for it with a limit: when the time runs out or the waiting thread is interrupted, the
 * request is {@linkplain DlmLockHandle#cancel() cancelled} and its final outcome awaited;
 * should the grant win that race, a new lock is unlocked again (so giving up never leaks
 * a lock), while a conversion stays converted (the lock was held before and still is).
 * <p>
 * Outcomes other than a grant or a {@link DlmFlag#NOQUEUE} refusal become the
 * {@link DlmException} that {@link DlmErrors#toException} gives for them (a conversion
 * deadlock, a request cancelled by someone else such as the lockspace's close, ...).
 */
public final class DlmRequest {

	/** A wait limit meaning none: {@link #await} waits as long as it takes. */
	public static final long FOREVER = -1;

	private static final Log logger = LogFactory.getLog(DlmRequest.class);

	private final DlmLockHandle handle;

	private final CompletableFuture<DlmCompletion> completion;

	/** The mode held before a conversion; {@code null} for a new lock's first request. */
	private final @Nullable DlmMode convertedFrom;

	private final DlmMode mode;

	private DlmRequest(DlmLockHandle handle, CompletableFuture<DlmCompletion> completion,
			@Nullable DlmMode convertedFrom, DlmMode mode) {
		this.handle = handle;
		this.completion = completion;
		this.convertedFrom = convertedFrom;
		this.mode = mode;
	}

	/**
	 * Sends the first request of a new lock.
	 * @param handle the lock, not yet requested
	 * @param mode the mode wanted
	 * @param flags the request flags
	 * @return the request in flight
	 * @throws DlmException if the lock manager refused the request outright
	 * @see DlmLockHandle#request
	 */
	public static DlmRequest lock(DlmLockHandle handle, DlmMode mode, Set<DlmFlag> flags) {
		return new DlmRequest(handle, handle.request(mode, flags, null), null, mode);
	}

	/**
	 * Sends a conversion of a granted lock.
	 * @param handle the lock, granted and idle
	 * @param mode the mode wanted
	 * @param flags the request flags
	 * @param valueBlock the value block to store in the lock's buffer first, or {@code null}
	 * @return the conversion in flight
	 * @throws DlmException if the lock manager refused the conversion outright
	 * @see DlmLockHandle#request
	 */
	public static DlmRequest convert(DlmLockHandle handle, DlmMode mode, Set<DlmFlag> flags,
			byte @Nullable [] valueBlock) {
		DlmMode from = handle.grantedMode();
		return new DlmRequest(handle, handle.request(mode, flags, valueBlock), from, mode);
	}

	/**
	 * The future of the request's completion, as the handle returned it.
	 * @return the future
	 */
	public CompletableFuture<DlmCompletion> completion() {
		return this.completion;
	}

	/**
	 * Waits for the request to be granted.
	 * <ul>
	 * <li>With a limit of 0 (a {@link DlmFlag#NOQUEUE} request, answered at once) or
	 * {@link #FOREVER} and not interruptible, waits for the outcome; an interrupt does not
	 * end the wait and is set again on return.</li>
	 * <li>Otherwise, when the limit runs out or (if interruptible) the thread is
	 * interrupted, cancels the request and waits for its final outcome. A new lock whose
	 * grant won that race is unlocked; a conversion whose grant won it is kept and its
	 * completion returned, after an interrupt with the interrupt status set again.</li>
	 * </ul>
	 * @param timeoutNanos {@link #FOREVER}, 0, or the longest wait in nanoseconds
	 * @param interruptible whether an interrupt ends the wait
	 * @return the completion if granted, {@code null} if refused (NOQUEUE) or not granted
	 * in time
	 * @throws InterruptedException if interrupted while waiting (interruptible only) and
	 * the request was not granted; the interrupt status is then clear
	 * @throws DlmException if the request ended otherwise, such as a conversion deadlock
	 */
	public @Nullable DlmCompletion await(long timeoutNanos, boolean interruptible) throws InterruptedException {
		if (timeoutNanos == 0 || (timeoutNanos == FOREVER && !interruptible)) {
			return granted(join(this.completion));
		}
		DlmCompletion outcome;
		try {
			outcome = (timeoutNanos == FOREVER) ? this.completion.get()
					: this.completion.get(timeoutNanos, TimeUnit.NANOSECONDS);
		}
		catch (TimeoutException ex) {
			return abandon();
		}
		catch (InterruptedException ex) {
			DlmCompletion won = abandon();
			if (won != null) {
				// a conversion that won the race stays converted; tell the caller by the flag
				Thread.currentThread().interrupt();
				return won;
			}
			Thread.interrupted();
			throw ex;
		}
		catch (ExecutionException ex) {
			throw failure(ex.getCause(), toString());
		}
		return granted(outcome);
	}

	/**
	 * Waits for the request to be granted, as long as it takes; an interrupt does not end
	 * the wait and is set again on return.
	 * @return the completion, granted
	 * @throws DlmException if the request ended in any other way
	 */
	public DlmCompletion join() {
		DlmCompletion outcome = join(this.completion);
		if (!outcome.isGranted()) {
			throw toException(outcome, operation());
		}
		return outcome;
	}

	/**
	 * Gives up on the request: cancels it and waits for its final outcome. A new lock
	 * granted in the meantime is unlocked again.
	 * @return the completion of a conversion granted in the meantime (kept), or
	 * {@code null} if the request was not granted or its grant was unlocked
	 * @throws DlmException if the request ended in a conversion deadlock
	 */
	public @Nullable DlmCompletion abandon() {
		this.handle.cancel();
		DlmCompletion outcome = join(this.completion);
		if (!outcome.isGranted()) {
			if (outcome.status() == DlmStatus.DEADLOCK) {
				throw toException(outcome, operation());
			}
			return null;
		}
		if (this.convertedFrom != null) {
			return outcome;
		}
		if (logger.isDebugEnabled()) {
			logger.debug("Grant of " + describe(this.handle) + " won the race with its cancellation; unlocking it");
		}
		unlock(this.handle, null);
		return null;
	}

	/**
	 * Unlocks a granted lock and waits until it is unlocked. A lock that ended meanwhile
	 * (its lockspace was closed, which released it) counts as unlocked.
	 * @param handle the lock
	 * @param valueBlock the value block to publish, or {@code null}; see
	 * {@link DlmLockHandle#unlock}
	 * @throws DlmException if the lock manager reports a failure to unlock
	 */
	public static void unlock(DlmLockHandle handle, byte @Nullable [] valueBlock) {
		DlmCompletion outcome = join(handle.unlock(valueBlock));
		if (outcome.status() != DlmStatus.UNLOCKED && !handle.isEnded()) {
			throw DlmErrors.toException(outcome.status(), "unlock", handle.lockspace().name(),
					handle.resourceName());
		}
	}

	/**
	 * Waits for a completion as long as it takes. An interrupt does not end the wait and is
	 * set again on return.
	 * @param <T> the result type
	 * @param future the future of a request, conversion, unlock or cancel, or of other work
	 * the lock manager's answers complete
	 * @return the completion
	 * @throws RuntimeException the failure the future completed with, a non-runtime one
	 * wrapped in a {@link DlmException}
	 */
	public static <T> T join(CompletableFuture<T> future) {
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
					throw failure(ex.getCause(), "wait for completion");
				}
			}
		}
		finally {
			if (interrupted) {
				Thread.currentThread().interrupt();
			}
		}
	}

	private @Nullable DlmCompletion granted(DlmCompletion outcome) {
		return switch (outcome.status()) {
			case GRANTED -> outcome;
			case NOT_GRANTED -> null;
			default -> throw toException(outcome, operation());
		};
	}

	private DlmException toException(DlmCompletion outcome, String operation) {
		return DlmErrors.toException(outcome.status(), operation, this.handle.lockspace().name(),
				this.handle.resourceName());
	}

	/** Names the request in error messages; built only on failure, off the hot path. */
	private String operation() {
		return (this.convertedFrom != null) ? "convert " + this.convertedFrom + " to " + this.mode : "lock " + this.mode;
	}

	private static RuntimeException failure(@Nullable Throwable cause, String operation) {
		if (cause instanceof RuntimeException runtimeException) {
			return runtimeException;
		}
		if (cause instanceof Error error) {
			throw error;
		}
		return new DlmException("DLM " + operation + " failed: " + cause, 0, cause);
	}

	private static String describe(DlmLockHandle handle) {
		return "lock '" + handle.resourceName() + "' in lockspace '" + handle.lockspace().name()
				+ "'";
	}

	@Override
	public String toString() {
		return operation() + " of " + describe(this.handle);
	}

}
