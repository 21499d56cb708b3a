package io.github.dlm.cluster.workload;

import java.time.Duration;
import java.util.Map;

import org.springframework.aop.framework.autoproxy.DefaultAdvisorAutoProxyCreator;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.MapPropertySource;
import org.springframework.util.Assert;

import io.github.dlm.aop.DlmLockNotAcquiredException;
import io.github.dlm.aop.DlmLockedAdvisor;
import io.github.dlm.caching.CachingDlmClient;
import io.github.dlm.core.DlmClient;
import io.github.dlm.core.DlmMode;
import io.github.dlm.core.LockspaceOptions;
import io.github.dlm.jna.NativeDlmClient;
import io.github.dlm.lock.DlmLockRegistries;

/**
 * The DLM through {@code @DlmLocked}: a plain Spring context (what the auto-configuration
 * would register: the registries, the advisor and an auto-proxy creator) with a bean whose
 * {@code @DlmLocked(key = "#key")} method runs the section. Its client is node-level caching
 * over libdlm, as the auto-configuration builds it by default, so a workload that runs this
 * system beside {@link DlmRegistrySystem} (uncached) proves both under the same faults, on
 * one lock.
 * <p>
 * The wait is the annotation's {@code waitTime}, a property resolved once: it is fixed when
 * the system is made, and {@link #runLocked} refuses another.
 */
final class DlmAnnotationSystem implements WorkloadSystem {

	/** The system's name. */
	static final String NAME = "dlm-annotation";

	private static final String WAIT_PROPERTY = "workload.wait";

	private final AnnotationConfigApplicationContext context;

	private final Duration wait;

	private final LockedSections sections;

	DlmAnnotationSystem(String lockspace, Duration wait) {
		this.wait = wait;
		this.context = new AnnotationConfigApplicationContext();
		this.context.getEnvironment()
			.getPropertySources()
			.addFirst(new MapPropertySource("workload",
					Map.of(WAIT_PROPERTY, wait.toMillis() + "ms", "workload.lockspace", lockspace)));
		this.context.registerBean(DlmClient.class, () -> new CachingDlmClient(new NativeDlmClient()));
		this.context.register(Config.class);
		this.context.refresh();
		this.sections = this.context.getBean(LockedSections.class);
		Assert.state(org.springframework.aop.support.AopUtils.isAopProxy(this.sections),
				"LockedSections is not proxied: @DlmLocked would not apply");
	}

	@Override
	public String name() {
		return NAME;
	}

	@Override
	public boolean runLocked(String key, Duration wait, CriticalSection criticalSection) throws Exception {
		Assert.isTrue(wait.equals(this.wait), () -> "This system waits " + this.wait + ", not " + wait);
		try {
			this.sections.run(key, criticalSection);
			return true;
		}
		catch (DlmLockNotAcquiredException ex) {
			return false;
		}
	}

	@Override
	public void close() {
		this.context.close();
	}

	/**
	 * The bean whose method runs under {@code @DlmLocked}.
	 */
	public static class LockedSections {

		/**
		 * Runs the section under the lock named by {@code key}.
		 * @param key the lock's name
		 * @param section the section
		 * @throws Exception what the section throws
		 */
		@io.github.dlm.aop.DlmLocked(key = "#key", waitTime = "${" + WAIT_PROPERTY + "}")
		public void run(String key, CriticalSection section) throws Exception {
			section.run();
		}

	}

	/**
	 * The context: registries of the workload's lockspace, the advisor, the proxied bean.
	 */
	@Configuration(proxyBeanMethods = false)
	static class Config {

		@Bean
		DlmLockRegistries dlmLockRegistries(DlmClient client,
				org.springframework.core.env.Environment environment) {
			return new DlmLockRegistries(client, environment.getRequiredProperty("workload.lockspace"),
					LockspaceOptions.DEFAULTS, DlmMode.EX);
		}

		@Bean
		static DlmLockedAdvisor dlmLockedAdvisor(ObjectProvider<DlmLockRegistries> registries) {
			return new DlmLockedAdvisor(registries::getObject);
		}

		@Bean
		static DefaultAdvisorAutoProxyCreator autoProxyCreator() {
			DefaultAdvisorAutoProxyCreator creator = new DefaultAdvisorAutoProxyCreator();
			creator.setProxyTargetClass(true);
			return creator;
		}

		@Bean
		LockedSections lockedSections() {
			return new LockedSections();
		}

	}

}
