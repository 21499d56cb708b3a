package io.github.dlm.aop;

import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.aop.config.AopConfigUtils;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.github.dlm.aop.Elsewhere.ThrowingRunnable;
import io.github.dlm.aop.first.Worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * The keys of {@link DlmLocked @DlmLocked} methods in a real application context with the
 * local engine: equal keys are one lock whatever their type, and default keys are one lock
 * per method, not per simple class name.
 */
class DlmLockedKeyTests {

	private static final long TIMEOUT_SECONDS = Elsewhere.TIMEOUT.toSeconds();

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withInitializer((context) -> AopConfigUtils
			.registerAutoProxyCreatorIfNecessary((BeanDefinitionRegistry) context.getBeanFactory()))
		.withUserConfiguration(KeyConfiguration.class);

	private final ExecutorService executor = Executors.newCachedThreadPool();

	@AfterEach
	void tearDown() throws InterruptedException {
		this.executor.shutdownNow();
		assertThat(this.executor.awaitTermination(TIMEOUT_SECONDS, TimeUnit.SECONDS)).isTrue();
	}

	@Test
	void equalArrayKeysAreOneLock() {
		this.runner.run((context) -> {
			Jobs jobs = context.getBean(Jobs.class);
			whileRunning((body) -> jobs.byId(new byte[] { 1, 2, 3 }, body), () -> {
				assertThatExceptionOfType(DlmLockNotAcquiredException.class)
					.isThrownBy(() -> jobs.byId(new byte[] { 1, 2, 3 }, () -> {
					}));
				assertThat(jobs.byId(new byte[] { 1, 2, 4 }, () -> {
				})).isEqualTo("ran");
			});
			whileRunning((body) -> jobs.byIds(new long[] { 7, 8 }, body), () -> assertThatExceptionOfType(
					DlmLockNotAcquiredException.class)
				.isThrownBy(() -> jobs.byIds(new long[] { 7, 8 }, () -> {
				})));
		});
	}

	@Test
	void keyWhoseTextIsAnIdentityStringIsAClearError() {
		this.runner.run((context) -> assertThatIllegalArgumentException()
			.isThrownBy(() -> context.getBean(Jobs.class).byAnything(new Object()))
			.withMessageContaining("java.lang.Object")
			.withMessageContaining("toString()"));
	}

	@Test
	void defaultKeysOfClassesWithTheSameSimpleNameInDifferentPackagesAreDifferentLocks() {
		this.runner.run((context) -> {
			Worker first = context.getBean(Worker.class);
			io.github.dlm.aop.second.Worker second = context.getBean(io.github.dlm.aop.second.Worker.class);
			whileRunning(first::work, () -> {
				assertThat(second.work(() -> {
				})).isEqualTo("second done");
				assertThatExceptionOfType(DlmLockNotAcquiredException.class).isThrownBy(() -> first.work(() -> {
				}));
			});
		});
	}

	@Test
	void defaultKeyIsTheFullSignatureWhenItFits() throws Exception {
		Method method = io.github.dlm.aop.second.Worker.class.getMethod("work", Runnable.class);
		assertThat(DlmLockedOperationSource.defaultKey(method))
			.isEqualTo("io.github.dlm.aop.second.Worker.work(java.lang.Runnable)");
		assertThat(DlmLockedOperationSource.defaultKey(Jobs.class.getMethod("run")))
			.isEqualTo("io.github.dlm.aop.DlmLockedKeyTests$Jobs.run()");
	}

	@Test
	void defaultKeyOfALongSignatureIsAReadablePrefixAndAHashWithinTheLimit() throws Exception {
		Method method = Jobs.class.getMethod("aMethodWhoseSignatureIsLongerThanAResourceName", String.class,
				Map.class);
		Method overload = Jobs.class.getMethod("aMethodWhoseSignatureIsLongerThanAResourceName", String.class,
				List.class);
		String key = DlmLockedOperationSource.defaultKey(method);
		assertThat(key.getBytes(StandardCharsets.UTF_8)).hasSizeLessThanOrEqualTo(64);
		assertThat(key).matches("DlmLockedKeyTests\\$Jobs\\.aMethodWhoseSign#[0-9a-f]{24}");
		assertThat(DlmLockedOperationSource.defaultKey(overload)).isNotEqualTo(key)
			.startsWith("DlmLockedKeyTests$Jobs.aMethodWhoseSign#");
		assertThat(DlmLockedOperationSource.defaultKey(method)).isEqualTo(key);
		String unicode = DlmLockedOperationSource.defaultKey(Jobs.class.getMethod("\u00e9t\u00e9".repeat(6)));
		assertThat(unicode.getBytes(StandardCharsets.UTF_8)).hasSizeLessThanOrEqualTo(64);
		assertThat(unicode).startsWith("DlmLockedKeyTests$Jobs.\u00e9t\u00e9");
		// a 2-byte character, then 4-byte ones (surrogate pairs): the prefix ends at 39 bytes without splitting one
		String bold = "\ud835\udc00";
		String supplementary = DlmLockedOperationSource
			.defaultKey(Jobs.class.getMethod("\u00e9" + bold.repeat(10)));
		assertThat(supplementary).startsWith("DlmLockedKeyTests$Jobs.\u00e9" + bold.repeat(3) + "#");
		assertThat(supplementary.getBytes(StandardCharsets.UTF_8)).hasSizeLessThanOrEqualTo(64);
	}

	/**
	 * Runs {@code call} on another thread with a body that waits, and {@code whileRunning}
	 * while that body runs (so while its lock is held).
	 */
	private void whileRunning(Consumer<Runnable> call, ThrowingRunnable whileRunning) throws Exception {
		Elsewhere.whileInside(this.executor, call, whileRunning);
	}

	@Configuration(proxyBeanMethods = false)
	static class KeyConfiguration extends DlmLockedTests.DlmConfiguration {

		@Bean
		Jobs jobs() {
			return new Jobs();
		}

		@Bean
		Worker firstWorker() {
			return new Worker();
		}

		@Bean
		io.github.dlm.aop.second.Worker secondWorker() {
			return new io.github.dlm.aop.second.Worker();
		}

	}

	/**
	 * Methods keyed by their arguments.
	 */
	static class Jobs {

		@DlmLocked(key = "#p0", waitTime = "0")
		public String byId(byte[] id, Runnable body) {
			body.run();
			return "ran";
		}

		@DlmLocked(key = "#ids", waitTime = "0")
		public String byIds(long[] ids, Runnable body) {
			body.run();
			return "ran";
		}

		@DlmLocked(key = "#p0")
		public String byAnything(Object key) {
			return "ran";
		}

		@DlmLocked
		public void run() {
		}

		public void aMethodWhoseSignatureIsLongerThanAResourceName(String first, Map<String, ?> second) {
		}

		public void aMethodWhoseSignatureIsLongerThanAResourceName(String first, List<String> second) {
		}

		public void \u00e9t\u00e9\u00e9t\u00e9\u00e9t\u00e9\u00e9t\u00e9\u00e9t\u00e9\u00e9t\u00e9() {
		}

		public void \u00e9\ud835\udc00\ud835\udc00\ud835\udc00\ud835\udc00\ud835\udc00\ud835\udc00\ud835\udc00\ud835\udc00\ud835\udc00\ud835\udc00() {
		}

	}

}
