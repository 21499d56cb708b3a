package io.github.dlm.bench;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Lock;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.springframework.aop.framework.autoproxy.DefaultAdvisorAutoProxyCreator;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.util.Assert;

import io.github.dlm.aop.DlmLockedAdvisor;
import io.github.dlm.core.DlmClient;
import io.github.dlm.core.DlmMode;
import io.github.dlm.core.LockspaceOptions;
import io.github.dlm.jna.NativeDlmClient;
import io.github.dlm.local.LocalDlmClient;
import io.github.dlm.lock.DlmLockRegistries;
import io.github.dlm.lock.DlmLockRegistry;

/**
 * What {@code @DlmLocked} costs over locking by hand: a plain Spring context with the
 * library's advisor (what the auto-configuration registers), a CGLIB-proxied bean, and the
 * same lock taken
 * <ul>
 * <li>{@code annotated}: by calling the {@code @DlmLocked(key = "#id")} method;</li>
 * <li>{@code rawRegistry}: by {@code registry.obtain(id)}, {@code lock()}, the unannotated
 * method, {@code unlock()}.</li>
 * </ul>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(1)
public class AnnotationBenchmark {

	private static final String KEY = "order-42";

	/** {@code local} or {@code native}. */
	@Param({ "local", "native" })
	public String backend = "local";

	private AnnotationConfigApplicationContext context;

	private LockedService service;

	private DlmLockRegistry registry;

	/** Starts the application context. */
	@Setup(Level.Trial)
	public void start() {
		Backend chosen = Backend.of(this.backend);
		Assert.isTrue(chosen == Backend.LOCAL || chosen == Backend.NATIVE, "@DlmLocked runs on local or native only");
		this.context = new AnnotationConfigApplicationContext();
		this.context.registerBean(DlmClient.class,
				() -> (chosen == Backend.NATIVE) ? new NativeDlmClient() : new LocalDlmClient());
		this.context.register(Config.class);
		this.context.refresh();
		this.service = this.context.getBean(LockedService.class);
		this.registry = this.context.getBean(DlmLockRegistry.class);
		Assert.state(org.springframework.aop.support.AopUtils.isAopProxy(this.service),
				"LockedService is not proxied: @DlmLocked would not apply");
	}

	/** Closes the application context. */
	@TearDown(Level.Trial)
	public void stop() {
		this.context.close();
	}

	/** @return the call count */
	@Benchmark
	public long annotated() {
		return this.service.locked(KEY);
	}

	/** @return the call count */
	@Benchmark
	public long rawRegistry() {
		Lock lock = this.registry.obtain(KEY);
		lock.lock();
		try {
			return this.service.plain(KEY);
		}
		finally {
			lock.unlock();
		}
	}

	/** The application: the registry, the {@code @DlmLocked} advisor and the annotated bean. */
	@Configuration(proxyBeanMethods = false)
	public static class Config {

		/**
		 * @param client the backend
		 * @return the registries of the benchmark lockspace, released on close
		 */
		@Bean
		public DlmLockRegistries dlmLockRegistries(DlmClient client) {
			return new DlmLockRegistries(client, BenchSettings.LOCKSPACE, new LockspaceOptions(true, 0600, true),
					DlmMode.EX);
		}

		/**
		 * @param registries the registries
		 * @return the default registry
		 */
		@Bean
		public DlmLockRegistry dlmLockRegistry(DlmLockRegistries registries) {
			return registries.registry();
		}

		/**
		 * @param registries the registries
		 * @return the advisor that runs {@code @DlmLocked} methods under their lock
		 */
		@Bean
		public static DlmLockedAdvisor dlmLockedAdvisor(ObjectProvider<DlmLockRegistries> registries) {
			return new DlmLockedAdvisor(registries::getObject);
		}

		/** @return class-based proxies for every bean an advisor applies to */
		@Bean
		public static DefaultAdvisorAutoProxyCreator autoProxyCreator() {
			DefaultAdvisorAutoProxyCreator creator = new DefaultAdvisorAutoProxyCreator();
			creator.setProxyTargetClass(true);
			return creator;
		}

		/** @return the bean whose method is {@code @DlmLocked} */
		@Bean
		public LockedService lockedService() {
			return new LockedService();
		}

	}

}
