package io.github.dlm.test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.github.dlm.aop.DlmLocked;
import io.github.dlm.aop.DlmLocked.IfNotAcquired;
import io.github.dlm.core.DlmClient;
import io.github.dlm.core.DlmMode;
import io.github.dlm.lock.DlmHold;
import io.github.dlm.lock.DlmLock;
import io.github.dlm.lock.DlmLockBlockingListener;
import io.github.dlm.lock.DlmLockRegistry;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Bean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@link AutoConfigureDlm} on a real {@code @SpringBootTest} whose configuration asks for the
 * kernel DLM: the test runs on the local engine, and {@link DlmTestLocks} sees the
 * application's locks and plays another node.
 */
@SpringBootTest(classes = AutoConfigureDlmTests.TestApplication.class, properties = "dlm.backend=native")
@AutoConfigureDlm
class AutoConfigureDlmTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	@Autowired
	private DlmTestLocks locks;

	@Autowired
	private Jobs jobs;

	@Autowired
	private DlmLockRegistry registry;

	@Autowired
	private Callbacks callbacks;

	@AfterEach
	void closeNodes() {
		this.locks.close();
	}

	@Test
	void runsOnTheLocalEngineWhateverTheApplicationAsksFor(@Autowired DlmClient client) {
		assertThat(client.backendName()).isEqualTo("local");
	}

	@Test
	void seesWhatAnAnnotatedMethodHolds() {
		assertThat(this.jobs.modesSeenInside("order-7")).containsExactly(DlmMode.PW);
		assertThat(this.locks.isHeld("order-7")).isFalse();
		assertThat(this.locks.grantedModes("order-7")).isEmpty();
	}

	@Test
	void anotherNodeHoldingAKeyMakesTheApplicationSkip() throws Exception {
		try (DlmHold hold = this.locks.otherNode().hold("order-8", DlmMode.EX)) {
			assertThat(this.locks.isHeld("order-8", DlmMode.EX)).isTrue();
			assertThat(this.jobs.tryOnce("order-8")).as("skipped").isNull();
		}
		assertThat(this.jobs.tryOnce("order-8")).isTrue();
	}

	@Test
	void anotherNodeWaitingForAKeyIsABlockingCallbackToItsHolder() {
		DlmLock lock = this.registry.obtain("order-9");
		lock.lock();
		try {
			CompletableFuture<DlmHold> waiting = this.locks.otherNode().request("order-9", DlmMode.PR);
			await().atMost(TIMEOUT).until(() -> this.callbacks.keys.contains("order-9"));
			assertThat(this.locks.waitingModes("order-9")).containsExactly(DlmMode.PR);
			assertThat(waiting).isNotDone();
			lock.unlock();
			assertThat(waiting).succeedsWithin(TIMEOUT).satisfies(DlmHold::close);
		}
		finally {
			if (lock.isHeldByCurrentThread()) {
				lock.unlock();
			}
		}
	}

	@SpringBootConfiguration
	static class TestApplication {

		@Bean
		Jobs jobs(DlmTestLocks locks) {
			return new Jobs(locks);
		}

		@Bean
		Callbacks callbacks() {
			return new Callbacks();
		}

	}

	static class Jobs {

		private final DlmTestLocks locks;

		Jobs(DlmTestLocks locks) {
			this.locks = locks;
		}

		@DlmLocked(key = "#key", mode = DlmMode.PW)
		public List<DlmMode> modesSeenInside(String key) {
			return this.locks.grantedModes(key);
		}

		@DlmLocked(key = "#key", waitTime = "0", ifNotAcquired = IfNotAcquired.SKIP)
		public Boolean tryOnce(String key) {
			return true;
		}

	}

	static class Callbacks implements DlmLockBlockingListener {

		final List<Object> keys = new CopyOnWriteArrayList<>();

		@Override
		public void blocking(DlmLock lock, Object key, Thread holder) {
			this.keys.add(key);
		}

	}

}
