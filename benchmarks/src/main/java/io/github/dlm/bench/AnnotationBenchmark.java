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
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.util.Assert;

import io.github.dlm.lock.DlmLockRegistry;

/**
 * What {@code @DlmLocked} costs over locking by hand: a real Spring Boot context with the
 * starter's auto-configuration, a CGLIB-proxied bean, and the same lock taken
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

	/** {@code local} or {@code native} (the value of {@code dlm.backend}). */
	@Param({ "local", "native" })
	public String backend = "local";

	private ConfigurableApplicationContext context;

	private LockedService service;

	private DlmLockRegistry registry;

	/** Starts the application context. */
	@Setup(Level.Trial)
	public void start() {
		Backend chosen = Backend.of(this.backend);
		Assert.isTrue(chosen == Backend.LOCAL || chosen == Backend.NATIVE, "@DlmLocked runs on local or native only");
		this.context = new SpringApplicationBuilder(Config.class).web(WebApplicationType.NONE)
			.logStartupInfo(false)
			.properties("spring.main.banner-mode=off", "logging.level.root=WARN", "dlm.backend=" + this.backend,
					"dlm.lockspace.name=" + BenchSettings.LOCKSPACE, "dlm.lockspace.release-on-shutdown=true")
			.run();
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

	/** The application: the starter's auto-configuration plus the annotated bean. */
	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	public static class Config {

		/** @return the bean whose method is {@code @DlmLocked} */
		@Bean
		public LockedService lockedService() {
			return new LockedService();
		}

	}

}
