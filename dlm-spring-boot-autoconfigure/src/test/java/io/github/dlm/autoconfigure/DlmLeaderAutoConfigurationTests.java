package io.github.dlm.autoconfigure;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.github.dlm.core.DlmClient;
import io.github.dlm.core.DlmDispatcherStats;
import io.github.dlm.core.DlmLockspace;
import io.github.dlm.core.LockspaceOptions;
import io.github.dlm.local.LocalDlmClient;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationListener;
import org.springframework.integration.leader.Candidate;
import org.springframework.integration.leader.DefaultCandidate;
import org.springframework.integration.leader.event.AbstractLeaderEvent;
import org.springframework.integration.leader.event.OnGrantedEvent;
import org.springframework.integration.support.leader.LockRegistryLeaderInitiator;
import org.springframework.integration.support.locks.DefaultLockRegistry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Leader election auto-configured: two application contexts on one local engine, as two
 * processes on one lockspace would be.
 */
class DlmLeaderAutoConfigurationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	private final LocalDlmClient engine = new LocalDlmClient();

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DlmAutoConfiguration.class, DlmLockRegistryAutoConfiguration.class,
				DlmLeaderAutoConfiguration.class))
		.withBean(DlmClient.class, () -> new SharedClient(this.engine))
		.withPropertyValues("dlm.leader.busy-wait=20ms", "dlm.leader.heart-beat=20ms");

	@AfterEach
	void closeEngine() {
		this.engine.close();
	}

	@Test
	void oneOfTwoContextsLeadsAndTheOtherTakesOverWhenItCloses() {
		Events firstEvents = new Events();
		Events secondEvents = new Events();
		this.runner.withPropertyValues("dlm.leader.role=sweeper").withBean(Events.class, () -> firstEvents).run((first) -> {
			await().atMost(TIMEOUT).until(() -> leads(first, "sweeper"));
			// the leader thread publishes the event after it marks the context as leading
			await().atMost(TIMEOUT).until(() -> firstEvents.of(OnGrantedEvent.class).equals(List.of("sweeper")));
			this.runner.withPropertyValues("dlm.leader.role=sweeper")
				.withBean(Events.class, () -> secondEvents)
				.run((second) -> {
					assertThat(second.getBean(DlmLeaderInitiators.class).forRole("sweeper")).get()
						.satisfies((initiator) -> assertThat(initiator.isRunning()).isTrue());
					// exclusion, not timing: while the first leads, the second cannot
					assertThat(leads(second, "sweeper")).isFalse();
					assertThat(leads(first, "sweeper")).isTrue();
					first.close();
					await().atMost(TIMEOUT).until(() -> leads(second, "sweeper"));
					await().atMost(TIMEOUT)
						.until(() -> secondEvents.of(OnGrantedEvent.class).equals(List.of("sweeper")));
				});
		});
		// the first's revocation is published by its leader thread as the context closes, and
		// a closed context no longer delivers events: not asserted
		assertThat(firstEvents.of(OnGrantedEvent.class)).containsExactly("sweeper");
	}

	@Test
	void candidateBeansRunForTheirRoles() {
		this.runner.withBean("a", Candidate.class, () -> new DefaultCandidate("a", "role-a"))
			.withBean("b", Candidate.class, () -> new DefaultCandidate("b", "role-b"))
			.run((context) -> {
				assertThat(context.getBean(DlmLeaderInitiators.class).getInitiators()).hasSize(2);
				await().atMost(TIMEOUT).until(() -> leads(context, "role-a") && leads(context, "role-b"));
			});
	}

	@Test
	void withoutCandidatesNothingRuns() {
		this.runner.run((context) -> assertThat(context.getBean(DlmLeaderInitiators.class).getInitiators()).isEmpty());
	}

	@Test
	void backsOffForAnInitiatorOfTheApplication() {
		this.runner.withPropertyValues("dlm.leader.role=sweeper")
			.withBean(LockRegistryLeaderInitiator.class,
					() -> new LockRegistryLeaderInitiator(new DefaultLockRegistry(), new DefaultCandidate("x", "own")))
			.run((context) -> assertThat(context).doesNotHaveBean(DlmLeaderInitiators.class));
	}

	@Test
	void canBeDisabled() {
		this.runner.withPropertyValues("dlm.leader.enabled=false", "dlm.leader.role=sweeper")
			.run((context) -> assertThat(context).doesNotHaveBean(DlmLeaderInitiators.class));
	}

	@Test
	void timingDefaultsAreTheInitiatorsOwn() {
		DlmLeaderProperties properties = new DlmLeaderProperties();
		assertThat(properties.getHeartBeat().toMillis()).isEqualTo(LockRegistryLeaderInitiator.DEFAULT_HEART_BEAT_TIME);
		assertThat(properties.getBusyWait().toMillis()).isEqualTo(LockRegistryLeaderInitiator.DEFAULT_BUSY_WAIT_TIME);
	}

	@Test
	void nonPositiveTimingIsRefusedNamingTheProperty() {
		this.runner.withPropertyValues("dlm.leader.heart-beat=0s").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(Failures.messages(context.getStartupFailure())).contains("dlm.leader.heart-beat")
				.contains("positive duration");
		});
	}

	private static boolean leads(AssertableApplicationContext context, String role) {
		return context.getBean(DlmLeaderInitiators.class).isLeader(role);
	}

	/** One engine for several contexts, as one kernel DLM for several processes: closing a context leaves it open. */
	private record SharedClient(DlmClient engine) implements DlmClient {

		@Override
		public String backendName() {
			return this.engine.backendName();
		}

		@Override
		public DlmLockspace openLockspace(String name, LockspaceOptions options) {
			return this.engine.openLockspace(name, options);
		}

		@Override
		public List<DlmDispatcherStats> dispatchers() {
			return this.engine.dispatchers();
		}

		@Override
		public void close() {
		}

	}

	/** Records the leadership events a context publishes. */
	static final class Events implements ApplicationListener<AbstractLeaderEvent> {

		private final List<AbstractLeaderEvent> events = new CopyOnWriteArrayList<>();

		@Override
		public void onApplicationEvent(AbstractLeaderEvent event) {
			this.events.add(event);
		}

		List<String> of(Class<? extends AbstractLeaderEvent> type) {
			return this.events.stream().filter(type::isInstance).map(AbstractLeaderEvent::getRole).toList();
		}

	}

}
