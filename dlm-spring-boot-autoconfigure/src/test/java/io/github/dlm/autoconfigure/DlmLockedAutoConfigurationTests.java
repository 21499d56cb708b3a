package io.github.dlm.autoconfigure;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import io.github.dlm.aop.DlmLocked;
import io.github.dlm.aop.DlmLockedAdvisor;

import org.springframework.aop.config.AopConfigUtils;
import org.springframework.aop.support.AopUtils;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code @DlmLocked} through the auto-configuration: the advisor and an auto-proxy creator
 * are registered, annotated beans are proxied, and concurrent calls on one key run one at
 * a time.
 */
class DlmLockedAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withPropertyValues("dlm.backend=local")
		.withConfiguration(AutoConfigurations.of(DlmAutoConfiguration.class, DlmLockRegistryAutoConfiguration.class,
				DlmLockedAutoConfiguration.class))
		.withUserConfiguration(CounterConfiguration.class);

	@Test
	void advisorAndAutoProxyCreatorAreRegistered() {
		this.runner.run((context) -> {
			assertThat(context).hasSingleBean(DlmLockedAdvisor.class);
			assertThat(context.getBeanFactory().getBeanDefinition("dlmLockedAdvisor").getRole())
				.isEqualTo(org.springframework.beans.factory.config.BeanDefinition.ROLE_INFRASTRUCTURE);
			assertThat(context).hasBean(AopConfigUtils.AUTO_PROXY_CREATOR_BEAN_NAME);
			Counter counter = context.getBean(Counter.class);
			assertThat(AopUtils.isAopProxy(counter)).isTrue();
			assertThat(AopUtils.isCglibProxy(counter)).isTrue();
		});
	}

	@Test
	void nodeNameOfRunRecordsDefaultsToTheHostNameAndCanBeSet() {
		this.runner.run((context) -> assertThat(context.getBean(DlmLockedAdvisor.class).getNodeName()).isNotBlank());
		this.runner.withPropertyValues("dlm.annotation.node-name=node-7")
			.run((context) -> assertThat(context.getBean(DlmLockedAdvisor.class).getNodeName()).isEqualTo("node-7"));
	}

	@Test
	void concurrentCallsOnOneKeyAreSerialized() {
		this.runner.run((context) -> {
			Counter counter = context.getBean(Counter.class);
			int threads = 8;
			int callsPerThread = 25;
			runConcurrently(threads, () -> {
				for (int i = 0; i < callsPerThread; i++) {
					counter.increment("shared");
				}
			});
			assertThat(counter.maxInside()).isEqualTo(1);
			assertThat(counter.value()).isEqualTo(threads * callsPerThread);
		});
	}

	@Test
	void withTheAnnotationTurnedOffCallsAreNotLocked() {
		this.runner.withPropertyValues("dlm.annotation.enabled=false").run((context) -> {
			assertThat(context).doesNotHaveBean(DlmLockedAdvisor.class);
			assertThat(AopUtils.isAopProxy(context.getBean(Counter.class))).isFalse();
		});
	}

	@Test
	void applicationAdvisorWins() {
		this.runner
			.withBean("myAdvisor", DlmLockedAdvisor.class,
					(java.util.function.Supplier<DlmLockedAdvisor>) () -> new DlmLockedAdvisor(
							() -> { throw new IllegalStateException("not used"); }))
			.run((context) -> {
				assertThat(context).hasSingleBean(DlmLockedAdvisor.class);
				assertThat(context).hasBean("myAdvisor");
			});
	}

	private static void runConcurrently(int threads, Runnable task) throws Exception {
		ExecutorService executor = Executors.newFixedThreadPool(threads);
		CountDownLatch start = new CountDownLatch(1);
		try {
			List<Future<?>> futures = new ArrayList<>();
			for (int t = 0; t < threads; t++) {
				futures.add(executor.submit(() -> {
					start.await();
					task.run();
					return null;
				}));
			}
			start.countDown();
			for (Future<?> future : futures) {
				future.get(60, TimeUnit.SECONDS);
			}
		}
		finally {
			executor.shutdownNow();
		}
	}

	@Configuration(proxyBeanMethods = false)
	static class CounterConfiguration {

		@Bean
		Counter counter() {
			return new Counter();
		}

	}

	/** A read-modify-write that loses updates unless calls are serialized. */
	static class Counter {

		private final AtomicInteger inside = new AtomicInteger();

		private final AtomicInteger maxInside = new AtomicInteger();

		private int value;

		public int maxInside() {
			return this.maxInside.get();
		}

		public int value() {
			return this.value;
		}

		@DlmLocked(key = "'counter:' + #name")
		public void increment(String name) {
			this.maxInside.accumulateAndGet(this.inside.incrementAndGet(), Math::max);
			try {
				int read = this.value;
				Thread.yield();
				this.value = read + 1;
			}
			finally {
				this.inside.decrementAndGet();
			}
		}

	}

}
