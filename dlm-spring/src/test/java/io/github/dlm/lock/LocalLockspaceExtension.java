package io.github.dlm.lock;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import io.github.dlm.caching.CachingDlmClient;
import io.github.dlm.caching.CachingLockspace;
import io.github.dlm.core.DlmLockspace;
import io.github.dlm.core.LockspaceOptions;
import io.github.dlm.local.LocalDlmClient;
import io.github.dlm.local.LocalLockInfo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A fresh local engine, one open lockspace, a registry on it and threads to act elsewhere,
 * for each test; closed after it. The waits it offers follow the engine's lock dump, never
 * the clock: a test asserts what another thread did only once the dump shows it.
 */
class LocalLockspaceExtension implements BeforeEachCallback, AfterEachCallback {

	static final Duration TIMEOUT = Duration.ofSeconds(30);

	private final String name;

	private final boolean caching;

	private LocalDlmClient client;

	private @Nullable CachingDlmClient cachingClient;

	private DlmLockspace lockspace;

	private DlmLockRegistry registry;

	private ExecutorService executor;

	LocalLockspaceExtension(String name) {
		this(name, false);
	}

	/**
	 * A fixture whose lockspace is, with {@code caching}, a node-level caching lockspace
	 * over the local engine; {@link #dump()} then shows its local holders and waiters, as
	 * the engine's dump shows them without caching.
	 */
	LocalLockspaceExtension(String name, boolean caching) {
		this.name = name;
		this.caching = caching;
	}

	@Override
	public void beforeEach(ExtensionContext context) {
		this.client = new LocalDlmClient();
		if (this.caching) {
			this.cachingClient = new CachingDlmClient(this.client);
			this.lockspace = this.cachingClient.openLockspace(this.name, LockspaceOptions.DEFAULTS);
		}
		else {
			this.lockspace = this.client.openLockspace(this.name, LockspaceOptions.DEFAULTS);
		}
		this.registry = new DlmLockRegistry(this.lockspace);
		this.executor = Executors.newCachedThreadPool();
	}

	@Override
	public void afterEach(ExtensionContext context) throws InterruptedException {
		this.executor.shutdownNow();
		assertThat(this.executor.awaitTermination(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();
		if (this.cachingClient != null) {
			this.cachingClient.close();
		}
		this.client.close();
	}

	LocalDlmClient client() {
		return this.client;
	}

	DlmLockspace lockspace() {
		return this.lockspace;
	}

	DlmLockRegistry registry() {
		return this.registry;
	}

	ExecutorService executor() {
		return this.executor;
	}

	/** The engine's dump of the lockspace. */
	List<LocalLockInfo> dump() {
		if (this.lockspace instanceof CachingLockspace cachingLockspace) {
			return cachingLockspace.localLocks();
		}
		return this.client.dump(this.name);
	}

	/** Runs a task on another thread; a hang shows up as a timeout, not a run that never ends. */
	<T> T onOtherThread(Callable<T> task) throws Exception {
		return this.executor.submit(task).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
	}

	/** Whether another thread gets the lock at once (and releases it again). */
	boolean tryLockElsewhere(DlmLock lock) throws Exception {
		return onOtherThread(() -> {
			if (lock.tryLock()) {
				lock.unlock();
				return true;
			}
			return false;
		});
	}

	/** Waits until exactly {@code count} requests or conversions wait on a resource. */
	void awaitWaiting(String resource, int count) {
		await().atMost(TIMEOUT)
			.until(() -> dump().stream()
				.filter((info) -> info.resource().equals(resource) && info.requestedMode() != null)
				.count() == count);
	}

	/** Waits until no lock is left in the lockspace. */
	void awaitEmpty() {
		await().atMost(TIMEOUT).untilAsserted(() -> assertThat(dump()).isEmpty());
	}

}
