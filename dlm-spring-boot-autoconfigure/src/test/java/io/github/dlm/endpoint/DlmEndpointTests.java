package io.github.dlm.endpoint;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.github.dlm.autoconfigure.DlmAutoConfiguration;
import io.github.dlm.autoconfigure.DlmEndpointAutoConfiguration;
import io.github.dlm.autoconfigure.DlmLockRegistryAutoConfiguration;
import io.github.dlm.caching.CachingDlmClient;
import io.github.dlm.core.DlmClient;
import io.github.dlm.core.DlmMode;
import io.github.dlm.core.LockspaceOptions;
import io.github.dlm.endpoint.DlmEndpoint.HoldDescriptor;
import io.github.dlm.local.LocalDlmClient;
import io.github.dlm.lock.DlmHold;
import io.github.dlm.lock.DlmLock;
import io.github.dlm.lock.DlmLockRegistries;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * The {@code dlm} endpoint on the local engine: auto-configured when exposed, and what it
 * shows of the locks this process holds.
 */
class DlmEndpointTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DlmAutoConfiguration.class, DlmLockRegistryAutoConfiguration.class,
				DlmEndpointAutoConfiguration.class))
		.withPropertyValues("dlm.backend=local", "dlm.lockspace.name=orders");

	@Test
	void isThereWhenExposedLikeBootsOwnEndpoints() {
		this.runner.run((context) -> assertThat(context).doesNotHaveBean(DlmEndpoint.class));
		this.runner.withPropertyValues("management.endpoints.web.exposure.include=dlm")
			.run((context) -> assertThat(context).hasSingleBean(DlmEndpoint.class));
	}

	@Test
	void showsTheLocksHeldByThreadsAndAsyncOwners() throws Exception {
		this.runner.withPropertyValues("management.endpoints.web.exposure.include=dlm").run((context) -> {
			DlmLockRegistries registries = context.getBean(DlmLockRegistries.class);
			DlmLock lock = registries.registry().obtain("order-1", DlmMode.PW);
			lock.lock();
			try (DlmHold async = registries.registry().obtain("order-2", DlmMode.PR).lockAsync().get()) {
				DlmEndpoint.DlmDescriptor dlm = context.getBean(DlmEndpoint.class).dlm();
				assertThat(dlm.backend()).isEqualTo("local");
				assertThat(dlm.defaultLockspace()).isEqualTo("orders");
				assertThat(dlm.lockspaces()).containsOnlyKeys("orders");
				List<HoldDescriptor> holds = dlm.lockspaces().get("orders").holds();
				assertThat(holds).extracting(HoldDescriptor::key, HoldDescriptor::mode, HoldDescriptor::owner)
					.containsExactlyInAnyOrder(
							tuple("order-1", "PW",
									"thread '" + Thread.currentThread().getName() + "'"),
							tuple("order-2", "PR", "async"));
				assertThat(dlm.lockspaces().get("orders").kernelLocks()).isNull();
				assertThat(dlm.lockspaces().get("orders").state()).isEqualTo("RUNNING");
			}
			finally {
				lock.unlock();
			}
			assertThat(context.getBean(DlmEndpoint.class).lockspace("orders").holds()).isEmpty();
			assertThat(context.getBean(DlmEndpoint.class).lockspace("absent")).isNull();
		});
	}

	@Test
	void showsTheNodeLocksOfACachedLockspace() {
		this.runner.withPropertyValues("management.endpoints.web.exposure.include=dlm")
			.withBean(DlmClient.class, () -> new CachingDlmClient(new LocalDlmClient()))
			.run((context) -> {
				DlmLock lock = context.getBean(DlmLockRegistries.class).registry().obtain("order-1", DlmMode.PW);
				lock.lock();
				lock.unlock();
				DlmEndpoint.LockspaceDescriptor orders = context.getBean(DlmEndpoint.class).lockspace("orders");
				assertThat(orders.holds()).isEmpty();
				assertThat(orders.cachedLocks()).singleElement().satisfies((cached) -> {
					assertThat(cached.resource()).isEqualTo("order-1");
					assertThat(cached.nodeMode()).isEqualTo(DlmMode.PW);
					assertThat(cached.localHolders()).isZero();
				});
			});
		this.runner.withPropertyValues("management.endpoints.web.exposure.include=dlm").run((context) -> {
			context.getBean(DlmLockRegistries.class).registry().obtain("order-1").tryLock();
			assertThat(context.getBean(DlmEndpoint.class).lockspace("orders").cachedLocks()).isNull();
		});
	}

	@Test
	void addsTheKernelLockDumpWhenReadable(@TempDir Path debug) throws IOException {
		Files.writeString(debug.resolve("orders_locks"), "version 4.2\nrsb 1 ... order-1\nlkb 3 ... PW\n");
		try (LocalDlmClient client = new LocalDlmClient();
				DlmLockRegistries registries = new DlmLockRegistries(client, "orders", LockspaceOptions.DEFAULTS,
						DlmMode.EX)) {
			registries.registry();
			DlmEndpoint endpoint = new DlmEndpoint(registries, debug);
			assertThat(endpoint.lockspace("orders").kernelLocks()).containsExactly("version 4.2", "rsb 1 ... order-1",
					"lkb 3 ... PW");
		}
	}

}
