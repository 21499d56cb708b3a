package io.github.dlm.lock;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.github.dlm.core.DlmMode;
import io.github.dlm.core.LockspaceOptions;
import io.github.dlm.local.LocalDlmClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The meters of {@link DlmLockRegistries}: locks held and requests waiting now, blocking
 * callbacks delivered, over the local engine.
 */
class DlmLockRegistriesMetricsTests {

	private static final Duration TIMEOUT = LocalLockspaceExtension.TIMEOUT;

	private final LocalDlmClient client = new LocalDlmClient();

	private final DlmLockRegistries registries = new DlmLockRegistries(this.client, "metered",
			LockspaceOptions.DEFAULTS, DlmMode.EX);

	private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

	@AfterEach
	void close() {
		this.registries.close();
		this.client.close();
	}

	@Test
	void metersCountHeldLocksWaitingRequestsAndBlockingCallbacks() throws Exception {
		new DlmLockRegistriesMetrics(this.registries).bindTo(this.meters);
		assertThat(held()).isZero();
		DlmLock lock = this.registries.registry().obtain("order:42");
		DlmLock other = this.registries.registry("other").obtain("order:42");
		lock.lock();
		other.lock();
		assertThat(held()).isEqualTo(2);
		assertThat(waiting()).isZero();
		CompletableFuture<DlmHold> waitingHold = lock.lockAsync();
		await().atMost(TIMEOUT).untilAsserted(() -> assertThat(waiting()).isOne());
		await().atMost(TIMEOUT).untilAsserted(() -> assertThat(blockingCallbacks()).isGreaterThanOrEqualTo(1));
		assertThat(this.meters.get(DlmLockRegistriesMetrics.HELD).gauge().getId().getTag("backend")).isEqualTo("local");
		lock.unlock();
		DlmHold hold = waitingHold.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
		assertThat(waiting()).isZero();
		assertThat(held()).isEqualTo(2);
		hold.close();
		other.unlock();
		assertThat(held()).isZero();
	}

	private double held() {
		return this.meters.get(DlmLockRegistriesMetrics.HELD).gauge().value();
	}

	private double waiting() {
		return this.meters.get(DlmLockRegistriesMetrics.WAITING).gauge().value();
	}

	private double blockingCallbacks() {
		return this.meters.get(DlmLockRegistriesMetrics.BLOCKING_CALLBACKS).functionCounter().count();
	}

}
