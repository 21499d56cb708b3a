package io.github.dlm.contract;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.github.dlm.core.DlmCompletion;

/**
 * Waiting for the completion of a DLM operation in tests and test programs, with a bound
 * so that a lost callback fails the test instead of hanging it.
 */
public final class Completions {

	/** How long {@link #await(CompletableFuture)} waits: 30 s. */
	public static final Duration TIMEOUT = Duration.ofSeconds(30);

	private Completions() {
	}

	/**
	 * Waits up to {@link #TIMEOUT} for a completion.
	 * @param future the operation's future
	 * @return its completion
	 * @throws ExecutionException if the operation failed (the cause is the backend's exception)
	 * @throws TimeoutException if it did not complete in time
	 * @throws InterruptedException if the waiting thread was interrupted
	 */
	public static DlmCompletion await(CompletableFuture<DlmCompletion> future)
			throws InterruptedException, ExecutionException, TimeoutException {
		return await(future, TIMEOUT);
	}

	/**
	 * Waits for a completion.
	 * @param future the operation's future
	 * @param timeout how long to wait
	 * @return its completion
	 * @throws ExecutionException if the operation failed (the cause is the backend's exception)
	 * @throws TimeoutException if it did not complete in time
	 * @throws InterruptedException if the waiting thread was interrupted
	 */
	public static DlmCompletion await(CompletableFuture<DlmCompletion> future, Duration timeout)
			throws InterruptedException, ExecutionException, TimeoutException {
		return future.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
	}

}
