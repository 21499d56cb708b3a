package io.github.dlm.autoconfigure;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import io.github.dlm.lock.DlmLockRegistries;

import org.springframework.context.SmartLifecycle;
import org.springframework.util.Assert;

/**
 * Periodically drops the lock objects of every lockspace's registry that have not been
 * locked for a given age ({@code dlm.registry.expire-unused-after}), on one daemon thread
 * of its own, checking at the same interval. Runs while the context runs.
 */
final class DlmLockExpiry implements SmartLifecycle {

	private static final Log logger = LogFactory.getLog(DlmLockExpiry.class);

	private final DlmLockRegistries registries;

	private final Duration age;

	private @Nullable ScheduledExecutorService executor;

	/**
	 * Creates the expiry task.
	 * @param registries the registries to sweep
	 * @param age how long a lock object may stay unused; at least 1ms
	 * @throws IllegalArgumentException if the age is less than 1ms
	 */
	DlmLockExpiry(DlmLockRegistries registries, Duration age) {
		Assert.isTrue(age.compareTo(Duration.ofMillis(1)) >= 0,
				() -> "The expiry age must be at least 1ms (lock objects expire in whole milliseconds), got " + age);
		this.registries = registries;
		this.age = age;
	}

	/**
	 * The age after which unused lock objects are dropped.
	 * @return the age
	 */
	Duration getAge() {
		return this.age;
	}

	/**
	 * Drops the lock objects unused for longer than the age, now.
	 */
	void expireNow() {
		try {
			this.registries.expireUnusedOlderThan(this.age.toMillis());
		}
		catch (RuntimeException ex) {
			logger.warn("Could not expire unused DLM lock objects; will retry in " + this.age, ex);
		}
	}

	@Override
	public synchronized void start() {
		if (this.executor == null) {
			ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor((task) -> {
				Thread thread = new Thread(task, "dlm-lock-expiry");
				thread.setDaemon(true);
				return thread;
			});
			long periodMillis = this.age.toMillis();
			executor.scheduleWithFixedDelay(this::expireNow, periodMillis, periodMillis, TimeUnit.MILLISECONDS);
			this.executor = executor;
		}
	}

	@Override
	public synchronized void stop() {
		if (this.executor != null) {
			this.executor.shutdownNow();
			this.executor = null;
		}
	}

	@Override
	public synchronized boolean isRunning() {
		return this.executor != null;
	}

}
