package io.github.dlm.aop;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.aop.config.AopConfigUtils;
import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.BeanCreationException;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Role;
import org.springframework.core.env.MapPropertySource;

import io.github.dlm.aop.DlmLocked.IfNotAcquired;
import io.github.dlm.aop.Elsewhere.ThrowingRunnable;
import io.github.dlm.core.DlmMode;
import io.github.dlm.core.LockspaceOptions;
import io.github.dlm.local.LocalDlmClient;
import io.github.dlm.lock.DlmLock;
import io.github.dlm.lock.DlmLockRegistries;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.awaitility.Awaitility.await;

/**
 * {@link DlmLocked @DlmLocked} in a real application context with the local engine:
 * the advisor registered as infrastructure next to Spring's infrastructure auto-proxy
 * creator, as the auto-configuration does.
 */
class DlmLockedTests {

	private static final long TIMEOUT_SECONDS = Elsewhere.TIMEOUT.toSeconds();

	private AnnotationConfigApplicationContext context;

	private Inventory inventory;

	private DlmLockRegistries registries;

	private LocalDlmClient client;

	private ExecutorService executor;

	@BeforeEach
	void setUp() {
		this.context = context(LockedConfiguration.class);
		this.inventory = this.context.getBean(Inventory.class);
		this.registries = this.context.getBean(DlmLockRegistries.class);
		this.client = this.context.getBean(LocalDlmClient.class);
		this.executor = Executors.newCachedThreadPool();
	}

	@AfterEach
	void tearDown() {
		this.executor.shutdownNow();
		this.context.close();
	}

	@Test
	void beanIsProxied() {
		assertThat(AopUtils.isCglibProxy(this.inventory)).isTrue();
		assertThat(AopUtils.isJdkDynamicProxy(this.context.getBean(Greeter.class))).isTrue();
	}

	@Test
	void keyExpressionsUseParameterNamesPositionsAndRoot() throws Exception {
		assertThat(this.inventory.byName("apple")).isEqualTo("apple held");
		assertThat(this.inventory.byPosition("pear", 3)).isEqualTo("pear-3 held");
		assertThat(this.inventory.byMethodName()).isEqualTo("byMethodName held");
		assertThat(this.inventory.byBean()).isEqualTo("fruit held");
		assertThat(this.inventory.withDefaultKey("x")).isEqualTo("withDefaultKey held");
		assertThat(this.client.dump("app")).isEmpty();
	}

	@Test
	void annotationOnAnInterfaceMethodWorksThroughAJdkProxy() {
		assertThat(this.context.getBean(Greeter.class).greet("bob")).isEqualTo("hello bob (held)");
	}

	@Test
	void noWaitThrowsNamingTheKeyWhenTheLockIsHeldElsewhere() throws Exception {
		holdElsewhere("busy", DlmMode.EX, () -> {
			assertThatExceptionOfType(DlmLockNotAcquiredException.class)
				.isThrownBy(() -> this.inventory.noWait("busy"))
				.withMessageContaining("'busy'")
				.withMessageContaining("not granted at once")
				.satisfies((ex) -> {
					assertThat(ex.getKey()).isEqualTo("busy");
					assertThat(ex.getLockspace()).isEqualTo("app");
					assertThat(ex.getMode()).isEqualTo(DlmMode.EX);
					assertThat(ex.getWaitTime()).isEqualTo(Duration.ZERO);
				});
			assertThat(this.inventory.calls()).isEqualTo(0);
		});
		assertThat(this.inventory.noWait("busy")).isEqualTo("busy held");
	}

	@Test
	void skipReturnsNothingWithoutRunningTheMethod() throws Exception {
		holdElsewhere("skip", DlmMode.EX, () -> {
			assertThat(this.inventory.skipOptional("skip")).isEmpty();
			assertThat(this.inventory.skipObject("skip")).isNull();
			this.inventory.skipVoid("skip");
			assertThat(this.inventory.calls()).isEqualTo(0);
		});
		assertThat(this.inventory.skipOptional("skip")).contains("skip");
		assertThat(this.inventory.skipObject("skip")).isEqualTo("skip");
		this.inventory.skipVoid("skip");
		assertThat(this.inventory.calls()).isEqualTo(3);
	}

	@Test
	void waitTimeFromAPlaceholderTimesOut() throws Exception {
		holdElsewhere("slow", DlmMode.EX, () -> assertThatExceptionOfType(DlmLockNotAcquiredException.class)
			.isThrownBy(() -> this.inventory.timed("slow"))
			.withMessageContaining("within waitTime \"40ms\"")
			.satisfies((ex) -> assertThat(ex.getWaitTime()).isEqualTo(Duration.ofMillis(40))));
		assertThat(this.client.dump("app")).isEmpty();
	}

	@Test
	void timedCallGetsTheLockWhenReleasedInTime() throws Exception {
		AtomicReference<Future<String>> call = new AtomicReference<>();
		holdElsewhere("patient", DlmMode.EX, () -> {
			call.set(this.executor.submit(() -> this.inventory.patient("patient")));
			awaitQueued("app", "patient");
		});
		assertThat(call.get().get(TIMEOUT_SECONDS, TimeUnit.SECONDS)).isEqualTo("patient held");
	}

	@Test
	void interruptWhileWaitingForeverThrowsAndKeepsTheFlag() throws Exception {
		holdElsewhere("forever", DlmMode.EX, () -> {
			Thread[] caller = new Thread[1];
			Future<String> call = this.executor.submit(() -> {
				caller[0] = Thread.currentThread();
				try {
					this.inventory.byName("forever");
					return "ran";
				}
				catch (DlmLockNotAcquiredException ex) {
					return ex.getMessage() + " / interrupted=" + Thread.currentThread().isInterrupted();
				}
			});
			awaitQueued("app", "forever");
			caller[0].interrupt();
			assertThat(call.get(TIMEOUT_SECONDS, TimeUnit.SECONDS)).contains("interrupted while waiting")
				.endsWith("interrupted=true");
		});
		assertThat(this.client.dump("app")).isEmpty();
	}

	@Test
	void lockIsReleasedWhenTheMethodThrows() throws Exception {
		assertThatIllegalStateException().isThrownBy(() -> this.inventory.failing("fail", new IllegalStateException("no")))
			.withMessage("no");
		assertThat(heldElsewhere("fail", DlmMode.EX)).isFalse();
		assertThatExceptionOfType(AssertionError.class)
			.isThrownBy(() -> this.inventory.failing("fail", new AssertionError("error")));
		assertThat(heldElsewhere("fail", DlmMode.EX)).isFalse();
		assertThat(this.client.dump("app")).isEmpty();
	}

	@Test
	void sameKeyNestedInTheSameThreadIsReentrantAndOtherKeysNest() {
		assertThat(this.inventory.outer("same", "same")).isEqualTo("outer(same) inner(same) holds=2");
		assertThat(this.inventory.outer("a", "b")).isEqualTo("outer(a) inner(b) holds=1 outer still held");
		assertThat(this.client.dump("app")).isEmpty();
	}

	@Test
	void sharedModeLetsCallsRunTogether() throws Exception {
		int callers = 3;
		CyclicBarrier together = new CyclicBarrier(callers);
		List<Future<String>> calls = new ArrayList<>();
		for (int i = 0; i < callers; i++) {
			calls.add(this.executor.submit(() -> this.inventory.read("shared", together)));
		}
		for (Future<String> call : calls) {
			assertThat(call.get(TIMEOUT_SECONDS, TimeUnit.SECONDS)).isEqualTo("read shared");
		}
	}

	@Test
	void lockspaceAttributeChoosesTheLockspace() throws Exception {
		assertThat(this.inventory.inOtherLockspace("elsewhere")).isEqualTo("held in other, free in app");
	}

	@Test
	void nullKeyIsAClearError() {
		assertThatIllegalArgumentException().isThrownBy(() -> this.inventory.byName(null))
			.withMessageContaining("'#id'")
			.withMessageContaining("evaluated to null");
	}

	@Test
	void tooLongKeyIsAClearError() {
		assertThatIllegalArgumentException().isThrownBy(() -> this.inventory.byName("k".repeat(65)))
			.withMessageContaining("64 bytes")
			.withMessageContaining("DlmLockedTests$Inventory.byName()")
			.withMessageContaining("'#id'")
			.withMessageContaining("dlm.registry.key-strategy=hash-long-keys");
	}

	@Test
	void skipOnAPrimitiveMethodFailsAtStartup() {
		assertThatExceptionOfType(BeanCreationException.class).isThrownBy(() -> context(SkipPrimitiveConfiguration.class))
			.havingRootCause()
			.withMessageContaining("SKIP")
			.withMessageContaining("int");
	}

	@Test
	void invalidWaitTimeFailsAtStartup() {
		assertThatExceptionOfType(BeanCreationException.class).isThrownBy(() -> context(BadWaitTimeConfiguration.class))
			.withMessageContaining("BadWaitTime.run()")
			.withMessageContaining("'five seconds'")
			.withMessageContaining("'5s'");
	}

	@Test
	void keyExpressionThatDoesNotParseFailsAtStartupNamingTheMethod() {
		// the bad key sits on the second annotated method: every method is checked, not only the first
		assertThatExceptionOfType(BeanCreationException.class).isThrownBy(() -> context(BadKeyConfiguration.class))
			.withMessageContaining("BadKey.second(java.lang.String)")
			.withMessageContaining("'#id +'")
			.withMessageContaining("does not parse");
	}

	@Test
	void defaultKeyOfALongSignatureIsHashed() throws Exception {
		String key = DlmLockedOperationSource.defaultKey(Inventory.class.getMethod(
				"aMethodWithAVeryLongNameThatDoesNotFitIntoADlmResourceName", String.class, Map.class));
		assertThat(key).startsWith("DlmLockedTests$Inventory.aMethodWithAVe").hasSize(64);
	}

	static AnnotationConfigApplicationContext context(Class<?> configuration) {
		AnnotationConfigApplicationContext context = new AnnotationConfigApplicationContext();
		AopConfigUtils.registerAutoProxyCreatorIfNecessary(context);
		context.getEnvironment()
			.getPropertySources()
			.addFirst(new MapPropertySource("test", Map.of("inventory.wait", "40ms", "inventory.lockspace", "other")));
		context.register(configuration);
		context.refresh();
		return context;
	}

	private boolean heldElsewhere(String key, DlmMode mode) {
		return this.inventory.heldElsewhere(this.registries.getDefaultLockspace(), key, mode);
	}

	/** Holds a lock on another thread while {@code whileHeld} runs. */
	private void holdElsewhere(String key, DlmMode mode, ThrowingRunnable whileHeld) throws Exception {
		DlmLock lock = this.registries.registry().obtain(key, mode);
		Elsewhere.whileInside(this.executor, (inside) -> {
			lock.lock();
			try {
				inside.run();
			}
			finally {
				lock.unlock();
			}
		}, whileHeld);
	}

	private void awaitQueued(String lockspace, String resource) {
		await("a request queued on " + resource).atMost(Elsewhere.TIMEOUT)
			.until(() -> this.client.dump(lockspace)
				.stream()
				.anyMatch((info) -> info.resource().equals(resource) && info.requestedMode() != null));
	}

	@Configuration(proxyBeanMethods = false)
	static class DlmConfiguration {

		@Bean(destroyMethod = "close")
		LocalDlmClient localDlmClient() {
			return new LocalDlmClient();
		}

		@Bean(destroyMethod = "close")
		DlmLockRegistries dlmLockRegistries(LocalDlmClient client) {
			return new DlmLockRegistries(client, "app", LockspaceOptions.DEFAULTS, DlmMode.EX);
		}

		@Bean
		@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
		static DlmLockedAdvisor dlmLockedAdvisor(ObjectProvider<DlmLockRegistries> registries) {
			return new DlmLockedAdvisor(registries::getObject);
		}

		@Bean
		String fruit() {
			return "fruit";
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class LockedConfiguration extends DlmConfiguration {

		@Bean
		Inventory inventory(DlmLockRegistries registries, ObjectProvider<Inventory> self) {
			return new Inventory(registries, self);
		}

		@Bean
		Greeter greeter(DlmLockRegistries registries) {
			return new LockedGreeter(registries);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class SkipPrimitiveConfiguration extends DlmConfiguration {

		@Bean
		SkipPrimitive skipPrimitive() {
			return new SkipPrimitive();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class BadWaitTimeConfiguration extends DlmConfiguration {

		@Bean
		BadWaitTime badWaitTime() {
			return new BadWaitTime();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class BadKeyConfiguration extends DlmConfiguration {

		@Bean
		BadKey badKey() {
			return new BadKey();
		}

	}

	/**
	 * A bean whose methods report whether their lock is held, as seen by another thread.
	 */
	static class Inventory {

		final AtomicInteger calls = new AtomicInteger();

		private final DlmLockRegistries registries;

		private final ObjectProvider<Inventory> self;

		Inventory(DlmLockRegistries registries, ObjectProvider<Inventory> self) {
			this.registries = registries;
			this.self = self;
		}

		@DlmLocked(key = "#id")
		public String byName(String id) {
			return id + status(id);
		}

		@DlmLocked(key = "#p0 + '-' + #a1", mode = DlmMode.PW)
		public String byPosition(String name, int number) {
			return name + "-" + number + status(name + "-" + number);
		}

		@DlmLocked("#root.methodName")
		public String byMethodName() {
			return "byMethodName" + status("byMethodName");
		}

		@DlmLocked("@fruit")
		public String byBean() {
			return "fruit" + status("fruit");
		}

		@DlmLocked
		public String withDefaultKey(String ignored) throws NoSuchMethodException {
			return "withDefaultKey" + status(DlmLockedOperationSource
				.defaultKey(Inventory.class.getMethod("withDefaultKey", String.class)));
		}

		@DlmLocked(key = "#id", waitTime = "0")
		public String noWait(String id) {
			this.calls.incrementAndGet();
			return id + status(id);
		}

		@DlmLocked(key = "#id", waitTime = "0", ifNotAcquired = IfNotAcquired.SKIP)
		public Optional<String> skipOptional(String id) {
			this.calls.incrementAndGet();
			return Optional.of(id);
		}

		@DlmLocked(key = "#id", waitTime = "PT0S", ifNotAcquired = IfNotAcquired.SKIP)
		public String skipObject(String id) {
			this.calls.incrementAndGet();
			return id;
		}

		@DlmLocked(key = "#id", waitTime = "0ms", ifNotAcquired = IfNotAcquired.SKIP)
		public void skipVoid(String id) {
			this.calls.incrementAndGet();
		}

		@DlmLocked(key = "#id", waitTime = "${inventory.wait}")
		public String timed(String id) {
			return id + status(id);
		}

		@DlmLocked(key = "#id", waitTime = "20s")
		public String patient(String id) {
			return id + status(id);
		}

		@DlmLocked(key = "#id")
		public void failing(String id, Throwable failure) throws Throwable {
			assertThat(status(id)).isEqualTo(" held");
			throw failure;
		}

		@DlmLocked(key = "#outerKey")
		public String outer(String outerKey, String innerKey) {
			String inner = this.self.getObject().inner(innerKey);
			return "outer(" + outerKey + ") " + inner
					+ (outerKey.equals(innerKey) ? "" : (" outer still" + status(outerKey)));
		}

		@DlmLocked(key = "#innerKey")
		public String inner(String innerKey) {
			int holds = this.registries.registry().obtain(innerKey).getHoldCount();
			return "inner(" + innerKey + ") holds=" + holds;
		}

		@DlmLocked(key = "#id", mode = DlmMode.PR)
		public String read(String id, CyclicBarrier together) throws Exception {
			// every caller waits here until all hold the shared lock at once
			together.await(TIMEOUT_SECONDS, TimeUnit.SECONDS);
			return "read " + id;
		}

		@DlmLocked(key = "#id", lockspace = "${inventory.lockspace}")
		public String inOtherLockspace(String id) {
			boolean inOther = heldElsewhere("other", id, DlmMode.EX);
			boolean inApp = heldElsewhere("app", id, DlmMode.EX);
			return (inOther ? "held" : "free") + " in other, " + (inApp ? "held" : "free") + " in app";
		}

		public void aMethodWithAVeryLongNameThatDoesNotFitIntoADlmResourceName(String first, Map<String, ?> second) {
		}

		public int calls() {
			return this.calls.get();
		}

		private String status(String key) {
			return heldElsewhere("app", key, DlmMode.EX) ? " held" : " free";
		}

		boolean heldElsewhere(String lockspace, String key, DlmMode mode) {
			return Elsewhere.isHeld(this.registries.registry(lockspace).obtain(key, mode));
		}

	}

	interface Greeter {

		@DlmLocked(key = "'greet-' + #name")
		String greet(String name);

	}

	static class LockedGreeter implements Greeter {

		private final DlmLockRegistries registries;

		LockedGreeter(DlmLockRegistries registries) {
			this.registries = registries;
		}

		@Override
		public String greet(String name) {
			boolean held = Elsewhere.isHeld(this.registries.registry().obtain("greet-" + name));
			return "hello " + name + (held ? " (held)" : " (free)");
		}

	}

	static class SkipPrimitive {

		@DlmLocked(waitTime = "0", ifNotAcquired = IfNotAcquired.SKIP)
		public int count() {
			return 1;
		}

	}

	static class BadKey {

		@DlmLocked(key = "#id")
		public void first(String id) {
		}

		@DlmLocked(key = "#id +")
		public void second(String id) {
		}

	}

	static class BadWaitTime {

		@DlmLocked(waitTime = "five seconds")
		public void run() {
		}

	}

}
