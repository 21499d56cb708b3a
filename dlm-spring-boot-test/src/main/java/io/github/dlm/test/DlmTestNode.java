package io.github.dlm.test;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.github.dlm.core.DlmMode;
import io.github.dlm.core.LockspaceOptions;
import io.github.dlm.local.LocalDlmClient;
import io.github.dlm.lock.DlmHold;
import io.github.dlm.lock.DlmLockRegistries;
import io.github.dlm.lock.DlmLockRegistry;

/**
 * Another node played by a test (see {@link DlmTestLocks#otherNode()}): its own handle on
 * the lockspace, so its locks compete with the application's as another process's would.
 * Its holds are not bound to threads: take them and release them from anywhere.
 */
public final class DlmTestNode implements AutoCloseable {

	/** How long {@link #hold} waits for a grant. */
	public static final Duration HOLD_TIMEOUT = Duration.ofSeconds(30);

	private final DlmLockRegistries registries;

	private final DlmLockRegistry registry;

	private final DlmLockRegistry application;

	DlmTestNode(LocalDlmClient engine, String lockspace, DlmLockRegistry application) {
		this.registries = new DlmLockRegistries(engine, lockspace, LockspaceOptions.DEFAULTS, DlmMode.EX);
		this.registries.setRetainValueBlocks(false);
		this.registry = this.registries.registry();
		this.application = application;
	}

	/**
	 * Takes a key as this node, waiting up to {@link #HOLD_TIMEOUT} for the grant.
	 * @param key the key, as the application names it
	 * @param mode the mode
	 * @return the hold, to {@linkplain DlmHold#close() close} when the test is done with it
	 * @throws IllegalStateException if not granted in time (the request is withdrawn)
	 * @throws InterruptedException if interrupted while waiting
	 */
	public DlmHold hold(Object key, DlmMode mode) throws InterruptedException {
		CompletableFuture<DlmHold> request = request(key, mode);
		try {
			return request.get(HOLD_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (TimeoutException ex) {
			request.cancel(false);
			throw new IllegalStateException("The other node was not granted " + key + " in " + mode + " within "
					+ HOLD_TIMEOUT.toSeconds() + "s: something of the application holds it", ex);
		}
		catch (ExecutionException ex) {
			throw new IllegalStateException("The other node's request for " + key + " failed", ex.getCause());
		}
	}

	/**
	 * Asks for a key as this node without waiting here: while the request waits, the
	 * application's holders of the key get a blocking callback.
	 * @param key the key, as the application names it
	 * @param mode the mode
	 * @return the future hold; cancel it to withdraw the request
	 */
	public CompletableFuture<DlmHold> request(Object key, DlmMode mode) {
		// the application's own name bytes, so that every key strategy names the same resource
		return this.registry.obtain(this.application.toResourceName(key), mode).lockAsync();
	}

	/**
	 * Leaves the lockspace: releases every lock of this node and withdraws its requests.
	 */
	@Override
	public void close() {
		this.registries.close();
	}

}
