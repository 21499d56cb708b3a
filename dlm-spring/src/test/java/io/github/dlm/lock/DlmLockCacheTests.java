package io.github.dlm.lock;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.github.dlm.core.DlmMode;
import io.github.dlm.core.LockspaceOptions;
import io.github.dlm.local.LocalDlmClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * The lock objects a {@link DlmLockRegistry} caches: bounded by default, evicting only
 * objects nobody holds or waits for, least recently obtained first.
 */
class DlmLockCacheTests {

	private static final long TIMEOUT_SECONDS = 20;

	private LocalDlmClient client;

	private DlmLockRegistry registry;

	private ExecutorService executor;

	@RegisterExtension
	final LocalLockspaceExtension local = new LocalLockspaceExtension("cache");

	@BeforeEach
	void setUp() {
		this.client = this.local.client();
		this.registry = this.local.registry();
		this.executor = this.local.executor();
	}

	@Test
	void distinctKeysLockedAndReleasedLeaveAtMostTheDefaultCapacityCached() {
		assertThat(this.registry.getCacheCapacity()).isEqualTo(DlmLockRegistry.DEFAULT_CACHE_CAPACITY);
		for (int i = 0; i < 200_000; i++) {
			DlmLock lock = this.registry.obtain("order:" + i);
			lock.lock();
			lock.unlock();
		}
		assertThat(this.registry.cacheSize()).isLessThanOrEqualTo(DlmLockRegistry.DEFAULT_CACHE_CAPACITY)
			.isGreaterThanOrEqualTo(DlmLockRegistry.DEFAULT_CACHE_CAPACITY / 2);
		assertThat(this.client.dump("cache")).isEmpty();
	}

	@Test
	void heldAndWaitedForLockObjectsAreNeverEvicted() throws Exception {
		this.registry.setCacheCapacity(8);
		DlmLock held = this.registry.obtain("held");
		held.lock();
		try {
			// a waiter for "waited-for" queues behind a PR lock another thread holds
			DlmLock blocker = this.registry.obtain("waited-for", DlmMode.PR);
			CompletableFuture<Void> releaseBlocker = new CompletableFuture<>();
			CompletableFuture<Void> blocking = holdElsewhere(blocker, releaseBlocker);
			DlmLock waitedFor = this.registry.obtain("waited-for");
			CompletableFuture<Boolean> waiter = CompletableFuture.supplyAsync(() -> {
				try {
					return waitedFor.tryLock(TIMEOUT_SECONDS, TimeUnit.SECONDS);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					return false;
				}
				finally {
					if (waitedFor.isHeldByCurrentThread()) {
						waitedFor.unlock();
					}
				}
			}, this.executor);
			this.local.awaitWaiting("waited-for", 1);
			churn(100);
			assertThat(this.registry.cacheSize()).isLessThanOrEqualTo(8);
			assertThat(this.registry.obtain("held")).isSameAs(held);
			assertThat(this.registry.obtain("waited-for")).isSameAs(waitedFor);
			assertThat(this.registry.obtain("waited-for", DlmMode.PR)).isSameAs(blocker);
			releaseBlocker.complete(null);
			blocking.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
			assertThat(waiter.get(TIMEOUT_SECONDS, TimeUnit.SECONDS)).isTrue();
		}
		finally {
			held.unlock();
		}
		churn(100);
		assertThat(this.registry.obtain("held")).as("evicted once unused").isNotSameAs(held);
	}

	@Test
	void leastRecentlyObtainedObjectsAreEvictedFirst() {
		this.registry.setCacheCapacity(16);
		DlmLock[] locks = new DlmLock[16];
		for (int i = 0; i < 16; i++) {
			locks[i] = obtainAfterTheClockMoved("key-" + i);
		}
		assertThat(obtainAfterTheClockMoved("key-0")).isSameAs(locks[0]);
		// one more than the capacity: evicts down to 7/8 of it, the least recently obtained first
		obtainAfterTheClockMoved("new");
		assertThat(this.registry.cacheSize()).isEqualTo(14);
		assertThat(this.registry.obtain("key-0")).isSameAs(locks[0]);
		assertThat(this.registry.obtain("key-4")).isSameAs(locks[4]);
		assertThat(this.registry.obtain("key-15")).isSameAs(locks[15]);
		assertThat(this.registry.obtain("key-1")).isNotSameAs(locks[1]);
	}

	@Test
	void evictedLockObjectsStillExcludeTheirSuccessors() throws Exception {
		this.registry.setCacheCapacity(4);
		DlmLock evicted = this.registry.obtain("shared");
		churn(20);
		DlmLock successor = this.registry.obtain("shared");
		assertThat(successor).isNotSameAs(evicted);
		evicted.lock();
		try {
			assertThat(this.local.tryLockElsewhere(successor)).isFalse();
		}
		finally {
			evicted.unlock();
		}
		assertThat(this.local.tryLockElsewhere(successor)).isTrue();
	}

	@Test
	void lockObjectsRetainingAValueBlockStayCachedAndKeepTheValue() throws Exception {
		this.registry.setCacheCapacity(4);
		DlmLock counter = this.registry.obtain("counter");
		CompletableFuture.runAsync(() -> {
			counter.lock();
			try {
				byte[] value = new byte[32];
				value[0] = 42;
				counter.setValueBlock(value);
			}
			finally {
				counter.unlock();
			}
		}, this.executor).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
		churn(50);
		assertThat(this.registry.obtain("counter")).isSameAs(counter);
		assertThat(counter.isRetainingValueBlock()).isTrue();
		counter.lock();
		try {
			assertThat(counter.getValueBlock()[0]).isEqualTo((byte) 42);
		}
		finally {
			counter.unlock();
		}
		this.registry.expireUnusedOlderThan(0);
		assertThat(counter.isRetainingValueBlock()).as("time-based expiry still releases it").isFalse();
	}

	@Test
	void capacityMustBePositive() {
		assertThatIllegalArgumentException().isThrownBy(() -> this.registry.setCacheCapacity(0))
			.withMessageContaining("0")
			.withMessageContaining("at least 1");
		this.registry.setCacheCapacity(Integer.MAX_VALUE);
		assertThat(this.registry.getCacheCapacity()).isEqualTo(Integer.MAX_VALUE);
	}

	@Test
	void loweringTheCapacityEvictsAtOnce() {
		churn(100);
		assertThat(this.registry.cacheSize()).isEqualTo(100);
		this.registry.setCacheCapacity(10);
		assertThat(this.registry.cacheSize()).isLessThanOrEqualTo(10);
	}

	@Test
	void registriesPassTheCapacityToEveryRegistry() {
		try (DlmLockRegistries registries = new DlmLockRegistries(this.client, "app", LockspaceOptions.DEFAULTS,
				DlmMode.EX)) {
			DlmLockRegistry early = registries.registry();
			registries.setCacheCapacity(123);
			assertThat(early.getCacheCapacity()).isEqualTo(123);
			assertThat(registries.registry("later").getCacheCapacity()).isEqualTo(123);
		}
	}

	private void churn(int keys) {
		for (int i = 0; i < keys; i++) {
			DlmLock lock = this.registry.obtain("churn-" + i);
			lock.lock();
			lock.unlock();
		}
	}

	/** Obtains once {@link System#nanoTime()} has moved on, so every obtain has its own time. */
	private DlmLock obtainAfterTheClockMoved(String key) {
		long before = System.nanoTime();
		while (System.nanoTime() == before) {
			Thread.onSpinWait();
		}
		return this.registry.obtain(key);
	}

	private CompletableFuture<Void> holdElsewhere(DlmLock lock, CompletableFuture<Void> release) throws Exception {
		CompletableFuture<Void> held = new CompletableFuture<>();
		CompletableFuture<Void> done = CompletableFuture.runAsync(() -> {
			lock.lock();
			try {
				held.complete(null);
				release.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
			}
			catch (Exception ex) {
				throw new IllegalStateException(ex);
			}
			finally {
				lock.unlock();
			}
		}, this.executor);
		held.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
		return done;
	}

}
