package io.github.dlm.autoconfigure;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;

import io.github.dlm.core.DlmClient;
import io.github.dlm.core.DlmLockspaceCondition;
import io.github.dlm.core.DlmLockspaceState;
import io.github.dlm.core.DlmMode;
import io.github.dlm.local.LocalDlmClient;
import io.github.dlm.lock.DlmHoldInfo;
import io.github.dlm.lock.DlmLock;
import io.github.dlm.lock.DlmLockRegistries;
import io.github.dlm.lock.DlmLockRegistry;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.EventListener;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The "lock in doubt" events in a real context on the local backend, whose lockspace
 * conditions are {@linkplain LocalDlmClient#simulateCondition simulated}: they reach an
 * {@code @EventListener} with the locks held, follow the configured poll interval, and
 * are switched off by a property.
 */
class DlmLockInDoubtAutoConfigurationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	private static final DlmLockspaceCondition WAIT_QUORUM = new DlmLockspaceCondition(DlmLockspaceState.NO_QUORUM,
			"simulated: wait quorum");

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DlmAutoConfiguration.class, DlmLockRegistryAutoConfiguration.class,
				DlmLockInDoubtAutoConfiguration.class))
		.withPropertyValues("dlm.backend=local", "dlm.lockspace.name=orders", "dlm.lock-in-doubt.poll-interval=20ms")
		.withUserConfiguration(Listeners.class);

	@Test
	void inDoubtAndConfirmedEventsReachAnEventListenerWithTheLocksHeld() {
		this.runner.run((context) -> {
			DlmLockRegistry registry = context.getBean(DlmLockRegistry.class);
			assertThat(registry.getLockspacePollInterval()).isEqualTo(Duration.ofMillis(20));
			DlmLock lock = registry.obtain("order:7", DlmMode.PW);
			lock.lock();
			try {
				LocalDlmClient client = (LocalDlmClient) context.getBean(DlmClient.class);
				client.simulateCondition("orders", WAIT_QUORUM);
				Listeners listeners = context.getBean(Listeners.class);
				await().atMost(TIMEOUT).until(() -> listeners.inDoubt.size() == 1);
				DlmLockInDoubtEvent inDoubt = listeners.inDoubt.get(0);
				assertThat(inDoubt.getLockspace()).isEqualTo("orders");
				assertThat(inDoubt.getCondition()).isEqualTo(WAIT_QUORUM);
				assertThat(inDoubt.getChange().summary()).isEqualTo("quorum lost");
				assertThat(inDoubt.getSource()).isSameAs(context.getBean(DlmLockRegistries.class));
				assertThat(inDoubt.getHolds()).extracting(DlmHoldInfo::key, DlmHoldInfo::mode, DlmHoldInfo::thread)
					.containsExactly(org.assertj.core.groups.Tuple.tuple("order:7", DlmMode.PW,
							Thread.currentThread().getName()));
				client.simulateCondition("orders", null);
				await().atMost(TIMEOUT).until(() -> listeners.confirmed.size() == 1);
				assertThat(listeners.confirmed.get(0).getChange().summary()).isEqualTo("quorum regained, recovery ended");
				assertThat(listeners.all).hasSize(2);
			}
			finally {
				lock.unlock();
			}
		});
	}

	@Test
	void lockspacesOpenedLaterAreWatchedToo() {
		this.runner.run((context) -> {
			context.getBean(DlmLockRegistries.class).registry("audit");
			((LocalDlmClient) context.getBean(DlmClient.class)).simulateCondition("audit",
					new DlmLockspaceCondition(DlmLockspaceState.RECOVERING, "simulated: wait fencing"));
			Listeners listeners = context.getBean(Listeners.class);
			await().atMost(TIMEOUT).until(() -> listeners.inDoubt.size() == 1);
			assertThat(listeners.inDoubt.get(0).getLockspace()).isEqualTo("audit");
			assertThat(listeners.inDoubt.get(0).getChange().summary()).isEqualTo("recovery started");
		});
	}

	@Test
	void noWatchWhenDisabled() {
		this.runner.withPropertyValues("dlm.lock-in-doubt.enabled=false").run((context) -> {
			assertThat(context).doesNotHaveBean(DlmLockInDoubtEventPublisher.class);
			assertThat(Thread.getAllStackTraces().keySet())
				.noneMatch((thread) -> thread.getName().equals("dlm-lockspace-watch-orders"));
		});
	}

	@Test
	void pollIntervalMustBePositive() {
		this.runner.withPropertyValues("dlm.lock-in-doubt.poll-interval=0s")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("dlm.lock-in-doubt.poll-interval"));
	}

	@Configuration(proxyBeanMethods = false)
	static class Listeners {

		final List<DlmLockInDoubtEvent> inDoubt = new CopyOnWriteArrayList<>();

		final List<DlmLockConfirmedEvent> confirmed = new CopyOnWriteArrayList<>();

		final List<DlmLockspaceStateEvent> all = new CopyOnWriteArrayList<>();

		@EventListener
		void inDoubt(DlmLockInDoubtEvent event) {
			this.inDoubt.add(event);
		}

		@EventListener
		void confirmed(DlmLockConfirmedEvent event) {
			this.confirmed.add(event);
		}

		@EventListener
		void any(DlmLockspaceStateEvent event) {
			this.all.add(event);
		}

	}

}
