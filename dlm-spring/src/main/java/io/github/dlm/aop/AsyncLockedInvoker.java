package io.github.dlm.aop;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;

import org.aopalliance.intercept.MethodInvocation;
import org.jspecify.annotations.Nullable;

import io.github.dlm.aop.DlmLocked.IfNotAcquired;
import io.github.dlm.lock.DlmHold;
import io.github.dlm.lock.DlmLock;

/**
 * Runs {@link DlmLocked @DlmLocked} methods that return a {@link CompletionStage}, holding
 * their lock through an {@linkplain DlmLock#lockAsync() asynchronous hold} until that result
 * completes. While the method itself runs, the hold is bound to the calling thread, so the
 * method may re-enter the lock; work the result runs on other threads holds the lock
 * through the hold without owning it.
 */
final class AsyncLockedInvoker {

	/** Makes the exception that says the lock was not had. */
	@FunctionalInterface
	interface NotAcquired {

		RuntimeException exception(@Nullable Throwable cause, String reason);

	}

	private AsyncLockedInvoker() {
	}

	/**
	 * Runs a method returning a {@link CompletionStage}: waits for the lock on the calling
	 * thread as a synchronous method would (within the wait time), runs the method, and
	 * returns a future completed with the method's outcome once the lock is released.
	 */
	static @Nullable Object invokeCompletionStage(MethodInvocation invocation, DlmLock lock,
			DlmLockedOperation operation, NotAcquired notAcquired) throws Throwable {
		DlmHold hold;
		try {
			hold = awaitHold(lock, operation);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return CompletableFuture.failedFuture(notAcquired.exception(ex, "the thread was interrupted while waiting"));
		}
		if (hold == null) {
			return (operation.ifNotAcquired() == IfNotAcquired.SKIP) ? CompletableFuture.completedFuture(null)
					: CompletableFuture.failedFuture(notAcquired.exception(null, DlmLockedInterceptor.notGranted(operation)));
		}
		Object result;
		try {
			result = proceed(invocation, hold);
		}
		catch (Throwable ex) {
			hold.release();
			throw ex;
		}
		if (result == null) {
			hold.release();
			return null;
		}
		CompletableFuture<Object> outcome = new CompletableFuture<>();
		((CompletionStage<?>) result).whenComplete((value, failure) -> hold.release()
			.whenComplete((released, releaseFailure) -> complete(outcome, value, failure, releaseFailure)));
		return outcome;
	}

	/**
	 * Runs the method with the hold bound to the calling thread, so that the method may
	 * re-enter the lock.
	 */
	static @Nullable Object proceed(MethodInvocation invocation, DlmHold hold) throws Throwable {
		try (DlmHold.Binding binding = hold.bindToCurrentThread();
				DlmLockedContext.Scope bound = DlmLockedContext.bind(hold.getLock())) {
			return invocation.proceed();
		}
	}

	/**
	 * Requests the lock for an operation, within its wait time if it has one.
	 * @return a future of the hold, or of an {@code Optional} of it when the wait time may
	 * run out
	 */
	static CompletableFuture<?> request(DlmLock lock, DlmLockedOperation operation) {
		return (operation.waitTime() != null) ? lock.tryLockAsync(operation.waitTime()) : lock.lockAsync();
	}

	/**
	 * Withdraws a {@linkplain #request(DlmLock, DlmLockedOperation) request}: cancels it if
	 * it still waits (a grant that wins that race is released by the lock) and releases the
	 * hold it gave, if any. Idempotent.
	 * @return the release of the hold it gave, or {@code null} when it gave none
	 */
	static @Nullable CompletableFuture<Void> withdraw(CompletableFuture<?> request) {
		request.cancel(false);
		if (!request.isDone() || request.isCompletedExceptionally()) {
			return null;
		}
		DlmHold hold = hold(request.join());
		return (hold != null) ? hold.release() : null;
	}

	/** The hold a {@linkplain #request(DlmLock, DlmLockedOperation) request} gave, if any. */
	static @Nullable DlmHold hold(@Nullable Object outcome) {
		return (outcome instanceof Optional<?> optional) ? (DlmHold) optional.orElse(null) : (DlmHold) outcome;
	}

	/**
	 * Waits on the calling thread for a hold; an interrupt cancels the request and releases
	 * a grant that won the race.
	 * @return the hold, or {@code null} when not granted within the wait time
	 */
	private static @Nullable DlmHold awaitHold(DlmLock lock, DlmLockedOperation operation)
			throws InterruptedException {
		CompletableFuture<?> request = request(lock, operation);
		Object outcome;
		try {
			outcome = request.get();
		}
		catch (InterruptedException ex) {
			withdraw(request);
			throw ex;
		}
		catch (ExecutionException ex) {
			throw (ex.getCause() instanceof RuntimeException runtime) ? runtime : new IllegalStateException(ex.getCause());
		}
		return hold(outcome);
	}

	private static void complete(CompletableFuture<Object> outcome, @Nullable Object value,
			@Nullable Throwable failure, @Nullable Throwable releaseFailure) {
		if (failure != null) {
			if (releaseFailure != null) {
				failure.addSuppressed(releaseFailure);
			}
			outcome.completeExceptionally(failure);
		}
		else if (releaseFailure != null) {
			outcome.completeExceptionally(releaseFailure);
		}
		else {
			outcome.complete(value);
		}
	}

}
