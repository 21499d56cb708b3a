package io.github.dlm.lock;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.github.dlm.core.DlmMode;
import io.github.dlm.core.LockspaceOptions;
import io.github.dlm.local.LocalDlmClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * {@link DlmLockRegistries}: one registry per lockspace, opened lazily and closed together.
 */
class DlmLockRegistriesTests {

	private LocalDlmClient client;

	private DlmLockRegistries registries;

	@BeforeEach
	void setUp() {
		this.client = new LocalDlmClient();
		this.registries = new DlmLockRegistries(this.client, "app", LockspaceOptions.DEFAULTS, DlmMode.PW);
	}

	@AfterEach
	void tearDown() {
		this.registries.close();
		this.client.close();
	}

	@Test
	void defaultRegistryUsesTheDefaultLockspaceAndMode() {
		DlmLockRegistry registry = this.registries.registry();
		assertThat(registry.getLockspace().name()).isEqualTo("app");
		assertThat(registry.obtain("k").mode()).isEqualTo(DlmMode.PW);
		assertThat(this.registries.registry()).isSameAs(registry);
		assertThat(this.registries.registry("app")).isSameAs(registry);
		assertThat(this.registries.registry("other")).isNotSameAs(registry)
			.satisfies((other) -> assertThat(other.getLockspace().name()).isEqualTo("other"));
	}

	@Test
	void concurrentFirstUseOpensOneLockspace() throws Exception {
		int threads = 8;
		CyclicBarrier start = new CyclicBarrier(threads);
		ExecutorService executor = Executors.newFixedThreadPool(threads);
		try {
			List<Future<DlmLockRegistry>> futures = new ArrayList<>();
			for (int i = 0; i < threads; i++) {
				futures.add(executor.submit(() -> {
					start.await(10, TimeUnit.SECONDS);
					return this.registries.registry("lazy");
				}));
			}
			DlmLockRegistry first = futures.get(0).get(10, TimeUnit.SECONDS);
			for (Future<DlmLockRegistry> future : futures) {
				assertThat(future.get(10, TimeUnit.SECONDS)).isSameAs(first);
			}
		}
		finally {
			executor.shutdownNow();
		}
	}

	@Test
	void invalidLockspaceNamesAreRefused() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new DlmLockRegistries(this.client, "bad name", LockspaceOptions.DEFAULTS, DlmMode.EX))
			.withMessageContaining("bad name");
		assertThatIllegalArgumentException().isThrownBy(() -> this.registries.registry("x".repeat(20)))
			.withMessageContaining("[A-Za-z0-9_-]");
	}

	@Test
	void settingsReachExistingAndLaterRegistries() {
		DlmLockRegistry before = this.registries.registry();
		DlmLockBlockingListener listener = (lock, key, holder) -> {
		};
		this.registries.setKeyStrategy(DlmKeyStrategy.hashingLongKeys());
		this.registries.setBlockingListener(listener);
		DlmLockRegistry after = this.registries.registry("later");
		String longKey = "k".repeat(100);
		assertThat(before.toResourceName(longKey)).hasSize(64);
		assertThat(after.toResourceName(longKey)).hasSize(64);
		assertThat(before.getBlockingListener()).isSameAs(listener);
		assertThat(after.getBlockingListener()).isSameAs(listener);
	}

	@Test
	void valueBlockAnchorsOfEveryLockspaceAreReleasedByExpiryAndByClose() throws Exception {
		publish(this.registries.registry().obtain("v"));
		publish(this.registries.registry("other").obtain("v"));
		assertThat(this.client.dump("app")).singleElement().satisfies((info) -> assertThat(info.grantedMode()).isEqualTo(DlmMode.NL));
		assertThat(this.client.dump("other")).singleElement().satisfies((info) -> assertThat(info.grantedMode()).isEqualTo(DlmMode.NL));
		this.registries.expireUnusedOlderThan(TimeUnit.HOURS.toMillis(1));
		assertThat(this.client.dump("other")).hasSize(1);
		this.registries.expireUnusedOlderThan(0);
		assertThat(this.client.dump("app")).isEmpty();
		assertThat(this.client.dump("other")).isEmpty();
		publish(this.registries.registry().obtain("v"));
		publish(this.registries.registry("other").obtain("v"));
		this.registries.close();
		assertThat(this.client.dump("app")).isEmpty();
		assertThat(this.client.dump("other")).isEmpty();
	}

	@Test
	void valueBlockRetentionSettingReachesExistingAndLaterRegistries() throws Exception {
		DlmLockRegistry before = this.registries.registry();
		this.registries.setRetainValueBlocks(false);
		DlmLockRegistry after = this.registries.registry("later");
		assertThat(before.isRetainValueBlocks()).isFalse();
		assertThat(after.isRetainValueBlocks()).isFalse();
		publish(after.obtain("v"));
		assertThat(this.client.dump("later")).isEmpty();
	}

	@Test
	void closeReleasesLocksOfEveryLockspaceOpened() throws Exception {
		DlmLock held = this.registries.registry().obtain("held");
		held.lock();
		this.registries.registry("other").obtain("held").lock();
		assertThat(this.client.dump("app")).hasSize(1);
		assertThat(this.client.dump("other")).hasSize(1);
		this.registries.close();
		assertThat(this.client.dump("app")).isEmpty();
		assertThat(this.client.dump("other")).isEmpty();
		assertThatIllegalStateException().isThrownBy(() -> this.registries.registry())
			.withMessageContaining("closed");
		this.registries.close();
		// another user of the same client and lockspace is not affected
		DlmLockRegistries again = new DlmLockRegistries(this.client, "app", LockspaceOptions.DEFAULTS, DlmMode.EX);
		try {
			DlmLock lock = again.registry().obtain("held");
			assertThat(CompletableFuture.supplyAsync(lock::tryLock).get(10, TimeUnit.SECONDS)).isTrue();
		}
		finally {
			again.close();
		}
	}

	private static void publish(DlmLock lock) throws Exception {
		// on another thread, so the test thread's view of the lock stays clean
		CompletableFuture.runAsync(() -> {
			lock.lock();
			try {
				lock.setValueBlock(new byte[32]);
			}
			finally {
				lock.unlock();
			}
		}).get(10, TimeUnit.SECONDS);
	}

}
