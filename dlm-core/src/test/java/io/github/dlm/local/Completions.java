package io.github.dlm.local;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.github.dlm.core.DlmCompletion;

/**
 * Waiting for completions in the local engine's tests. The other modules' tests use
 * {@code io.github.dlm.contract.Completions}; this module cannot depend on the contract
 * module, which depends on it.
 */
final class Completions {

	static final long TIMEOUT_SECONDS = 30;

	private Completions() {
	}

	/**
	 * Waits for a completion.
	 * @param future the operation's future
	 * @return its completion
	 * @throws IllegalStateException if it failed or did not complete within
	 * {@value #TIMEOUT_SECONDS} s
	 */
	static DlmCompletion await(CompletableFuture<DlmCompletion> future) {
		try {
			return future.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while waiting for a completion", ex);
		}
		catch (ExecutionException | TimeoutException ex) {
			throw new IllegalStateException("No completion: " + ex, ex);
		}
	}

}
