package io.github.dlm.aop;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.aop.config.AopConfigUtils;
import org.springframework.beans.factory.BeanCreationException;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Lazy;
import org.springframework.context.annotation.Role;
import org.springframework.core.env.Environment;
import org.springframework.core.env.MapPropertySource;

import io.github.dlm.aop.DlmLocked.IfNotAcquired;
import io.github.dlm.core.DlmFlag;
import io.github.dlm.core.DlmLockHandle;
import io.github.dlm.core.DlmLockspace;
import io.github.dlm.core.DlmMode;
import io.github.dlm.core.DlmRequest;
import io.github.dlm.core.DlmResourceName;
import io.github.dlm.core.LockspaceOptions;
import io.github.dlm.local.LocalDlmClient;
import io.github.dlm.lock.DlmLastRun;
import io.github.dlm.lock.DlmLock;
import io.github.dlm.lock.DlmLockRegistries;
import io.github.dlm.lock.DlmRunRecord;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.awaitility.Awaitility.await;

/**
 * {@link DlmLocked#minInterval()} across two "nodes": two application contexts with their
 * own registries on one lockspace of one local engine, as two JVMs on a cluster would be.
 */
class DlmLockedMinIntervalTests {

	private final LocalDlmClient client = new LocalDlmClient();

	private AnnotationConfigApplicationContext nodeA;

	private AnnotationConfigApplicationContext nodeB;

	private Jobs jobsA;

	private Jobs jobsB;

	private ExecutorService executor;

	@BeforeEach
	void setUp() {
		this.nodeA = node("node-a", NodeConfiguration.class);
		this.nodeB = node("node-b", NodeConfiguration.class);
		this.jobsA = this.nodeA.getBean(Jobs.class);
		this.jobsB = this.nodeB.getBean(Jobs.class);
		this.executor = Executors.newCachedThreadPool();
	}

	@AfterEach
	void tearDown() {
		this.executor.shutdownNow();
		this.nodeA.close();
		this.nodeB.close();
		this.client.close();
	}

	@Test
	void aSecondNodeFiringWithinTheIntervalSkips() {
		this.jobsA.nightly();
		this.jobsB.nightly();
		this.jobsA.nightly();
		assertThat(this.jobsA.nightlyRuns()).isEqualTo(1);
		assertThat(this.jobsB.nightlyRuns()).isZero();
		assertThat(lastRun("nightly-report").node()).isEqualTo("node-a");
	}

	@Test
	void nodesFiringAtOnceRunOnce() throws Exception {
		CyclicBarrier fire = new CyclicBarrier(2);
		Future<?> a = this.executor.submit(() -> {
			fire.await();
			this.jobsA.nightly();
			return null;
		});
		Future<?> b = this.executor.submit(() -> {
			fire.await();
			this.jobsB.nightly();
			return null;
		});
		a.get(20, TimeUnit.SECONDS);
		b.get(20, TimeUnit.SECONDS);
		assertThat(this.jobsA.nightlyRuns() + this.jobsB.nightlyRuns()).isEqualTo(1);
	}

	@Test
	void afterTheIntervalTheJobRunsAgainOnAnyNode() {
		this.jobsA.frequent();
		this.jobsB.frequent();
		assertThat(this.jobsB.frequentRuns()).isZero();
		Instant started = lastRun("frequent").startedAt();
		await("the interval past").atMost(Duration.ofSeconds(20))
			.until(() -> Instant.now().isAfter(started.plus(Jobs.FREQUENT)));
		this.jobsB.frequent();
		assertThat(this.jobsB.frequentRuns()).isEqualTo(1);
		assertThat(lastRun("frequent").node()).isEqualTo("node-b");
	}

	@Test
	void aReentrantCallBelongsToTheOuterRun() {
		assertThat(this.jobsA.outerAndInner()).isEqualTo("inner ran");
		assertThat(this.jobsB.outerAndInner()).isNull();
	}

	@Test
	void aFailedRunCountsAsARun() {
		assertThatIllegalStateException().isThrownBy(this.jobsA::failing).withMessage("failed");
		assertThat(this.jobsB.failing()).isEmpty();
		assertThat(this.jobsA.failingRuns() + this.jobsB.failingRuns()).isEqualTo(1);
	}

	@Test
	void theLocksOwnValueBlockStaysTheApplications() {
		DlmLock lock = this.nodeA.getBean(DlmLockRegistries.class).registry().obtain("nightly-report");
		byte[] value = new byte[32];
		value[0] = 42;
		lock.lock();
		try {
			lock.setValueBlock(value);
		}
		finally {
			lock.unlock();
		}
		this.jobsA.nightly();
		lock.lock();
		try {
			assertThat(lock.getValueBlock()).isEqualTo(value);
		}
		finally {
			lock.unlock();
		}
	}

	@Test
	void eachNodeKeepsOnlyAnNlLockOnTheRecordBetweenRuns() {
		this.jobsA.nightly();
		this.jobsB.nightly();
		assertThat(this.client.dump("jobs")).hasSize(2)
			.allSatisfy((info) -> assertThat(info.grantedMode()).isEqualTo(DlmMode.NL));
	}

	@Test
	void aRecordMarkedNotValidThatStillShowsARecentRunSkips() {
		this.jobsA.nightly();
		invalidateRecord("nightly-report");
		this.jobsB.nightly();
		assertThat(this.jobsA.nightlyRuns() + this.jobsB.nightlyRuns()).isEqualTo(1);
		assertThat(record("nightly-report").isValid()).as("skipping leaves the mark").isFalse();
	}

	@Test
	void aRecordMarkedNotValidWithoutARecentRunRunsAndIsValidAgain() {
		this.jobsA.frequent();
		Instant started = lastRun("frequent").startedAt();
		await("the interval past").atMost(Duration.ofSeconds(20))
			.until(() -> Instant.now().isAfter(started.plus(Jobs.FREQUENT)));
		invalidateRecord("frequent");
		this.jobsB.frequent();
		assertThat(this.jobsB.frequentRuns()).isEqualTo(1);
		assertThat(record("frequent").isValid()).isTrue();
		assertThat(lastRun("frequent").node()).isEqualTo("node-b");
	}

	@Test
	void aRecordMarkedNotValidBeforeAnyRunRuns() {
		invalidateRecord("nightly-report");
		this.jobsB.nightly();
		assertThat(this.jobsB.nightlyRuns()).isEqualTo(1);
	}

	@Test
	void invalidUsesFailStartUp() {
		assertThatExceptionOfType(BeanCreationException.class).isThrownBy(() -> node("c", SharedModeConfiguration.class))
			.havingRootCause()
			.withMessageContaining("mode PR");
	}

	private DlmLastRun lastRun(String key) {
		DlmLock lock = this.nodeA.getBean(DlmLockRegistries.class).registry().obtain(key);
		lock.lock();
		try (DlmRunRecord record = lock.openRunRecord()) {
			return record.lastRun().orElseThrow();
		}
		finally {
			lock.unlock();
		}
	}

	private DlmRunRecord record(String key) {
		DlmLock lock = this.nodeA.getBean(DlmLockRegistries.class).registry().obtain(key);
		lock.lock();
		try (DlmRunRecord record = lock.openRunRecord()) {
			return record;
		}
		finally {
			lock.unlock();
		}
	}

	/**
	 * What the kernel's recovery does to a record when the node mastering its companion is
	 * lost while only NL locks remain: keeps the block and marks it not valid. The
	 * companion's name is the key's after the bytes {@code 0xFF 'R'}.
	 */
	private void invalidateRecord(String key) {
		byte[] name = key.getBytes(StandardCharsets.UTF_8);
		byte[] companion = new byte[name.length + 2];
		companion[0] = (byte) 0xFF;
		companion[1] = 'R';
		System.arraycopy(name, 0, companion, 2, name.length);
		try (DlmLockspace lockspace = this.client.openLockspace("jobs", LockspaceOptions.DEFAULTS)) {
			DlmLockHandle handle = lockspace.newLock(DlmResourceName.of(companion), null);
			DlmRequest.lock(handle, DlmMode.EX, EnumSet.of(DlmFlag.VALBLK)).join();
			DlmRequest.convert(handle, DlmMode.NL, EnumSet.of(DlmFlag.IVVALBLK), null).join();
			DlmRequest.unlock(handle, null);
		}
	}

	private AnnotationConfigApplicationContext node(String name, Class<?> configuration) {
		AnnotationConfigApplicationContext context = new AnnotationConfigApplicationContext();
		AopConfigUtils.registerAutoProxyCreatorIfNecessary(context);
		context.getEnvironment().getPropertySources().addFirst(new MapPropertySource("node", Map.of("node.name", name)));
		// the engine is shared by the nodes, like the cluster: no node closes it
		context.registerBean("localDlmClient", LocalDlmClient.class, () -> this.client,
				(definition) -> definition.setDestroyMethodName(""));
		context.register(configuration);
		context.refresh();
		return context;
	}

	@Configuration(proxyBeanMethods = false)
	static class NodeConfiguration {

		@Bean(destroyMethod = "close")
		DlmLockRegistries dlmLockRegistries(LocalDlmClient client) {
			return new DlmLockRegistries(client, "jobs", LockspaceOptions.DEFAULTS, DlmMode.EX);
		}

		@Bean
		@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
		static DlmLockedAdvisor dlmLockedAdvisor(ObjectProvider<DlmLockRegistries> registries, Environment environment) {
			DlmLockedAdvisor advisor = new DlmLockedAdvisor(registries::getObject);
			advisor.setNodeName(environment.getRequiredProperty("node.name"));
			return advisor;
		}

		@Bean
		Jobs jobs() {
			return new Jobs();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class SharedModeConfiguration extends NodeConfiguration {

		@Bean
		SharedJob sharedJob() {
			return new SharedJob();
		}

	}

	static class Jobs {

		@Autowired
		@Lazy
		Jobs self;

		static final Duration FREQUENT = Duration.ofMillis(200);

		final AtomicInteger nightlyRuns = new AtomicInteger();

		final AtomicInteger frequentRuns = new AtomicInteger();

		final AtomicInteger failingRuns = new AtomicInteger();

		int nightlyRuns() {
			return this.nightlyRuns.get();
		}

		int frequentRuns() {
			return this.frequentRuns.get();
		}

		int failingRuns() {
			return this.failingRuns.get();
		}

		@DlmLocked(key = "'nightly-report'", waitTime = "0", ifNotAcquired = IfNotAcquired.SKIP, minInterval = "1h")
		void nightly() {
			this.nightlyRuns.incrementAndGet();
		}

		@DlmLocked(key = "'frequent'", waitTime = "0", ifNotAcquired = IfNotAcquired.SKIP, minInterval = "200ms")
		void frequent() {
			this.frequentRuns.incrementAndGet();
		}

		@DlmLocked(key = "'nested'", waitTime = "0", ifNotAcquired = IfNotAcquired.SKIP, minInterval = "1h")
		String outerAndInner() {
			return this.self.inner();
		}

		@DlmLocked(key = "'nested'", waitTime = "0", ifNotAcquired = IfNotAcquired.SKIP, minInterval = "1h")
		String inner() {
			return "inner ran";
		}

		@DlmLocked(key = "'failing'", waitTime = "0", ifNotAcquired = IfNotAcquired.SKIP, minInterval = "1h")
		Optional<String> failing() {
			this.failingRuns.incrementAndGet();
			throw new IllegalStateException("failed");
		}

	}

	static class SharedJob {

		@DlmLocked(key = "'shared'", mode = DlmMode.PR, minInterval = "1m")
		void run() {
		}

	}

}
