package io.github.dlm.autoconfigure;

import io.github.dlm.aop.DlmLocked;
import io.github.dlm.aop.DlmLockedAdvisor;
import io.github.dlm.aop.DlmLockedProxyCheck;
import io.github.dlm.lock.DlmLockRegistries;

import org.springframework.aop.config.AopConfigUtils;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.EnvironmentAware;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ImportBeanDefinitionRegistrar;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Role;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotationMetadata;

/**
 * Auto-configuration of {@link DlmLocked @DlmLocked}: an infrastructure advisor that runs
 * annotated methods under their lock, a check that warns about annotated methods proxies
 * cannot intercept, and an auto-proxy creator to apply it (registered
 * only if none exists, as {@code @EnableCaching} does). Turned off by
 * {@code dlm.annotation.enabled=false}.
 */
@AutoConfiguration(after = DlmLockRegistryAutoConfiguration.class)
@ConditionalOnClass({ DlmLockedAdvisor.class, AopConfigUtils.class })
@ConditionalOnBean(DlmLockRegistries.class)
@ConditionalOnBooleanProperty(name = "dlm.annotation.enabled", matchIfMissing = true)
@Import(DlmLockedAutoConfiguration.AutoProxyCreatorRegistrar.class)
public final class DlmLockedAutoConfiguration {

	/**
	 * The advisor. It reaches the registries lazily, so that creating it while bean post
	 * processors are set up does not create the registries and the client early (which
	 * would keep them from being post-processed).
	 * @param registries the registries, looked up on first use
	 * @param environment the environment, for {@code dlm.annotation.node-name} (read
	 * directly, since binding the properties this early would keep them from being
	 * post-processed)
	 * @return the advisor
	 */
	@Bean
	@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
	@ConditionalOnMissingBean
	static DlmLockedAdvisor dlmLockedAdvisor(ObjectProvider<DlmLockRegistries> registries, Environment environment) {
		DlmLockedAdvisor advisor = new DlmLockedAdvisor(registries::getObject);
		String nodeName = environment.getProperty("dlm.annotation.node-name");
		if (nodeName != null && !nodeName.isBlank()) {
			advisor.setNodeName(nodeName.trim());
		}
		return advisor;
	}

	/**
	 * Warns about {@code @DlmLocked} methods that their bean's proxy cannot intercept
	 * (private, static, final with class-based proxies, missing from the interfaces of an
	 * interface-based proxy), which would run without their lock.
	 * @return the check
	 */
	@Bean
	@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
	@ConditionalOnMissingBean
	static DlmLockedProxyCheck dlmLockedProxyCheck() {
		return new DlmLockedProxyCheck();
	}

	/**
	 * Registers Spring's infrastructure auto-proxy creator unless one (or a more capable
	 * one, such as AspectJ's) is registered already, and makes it proxy classes unless
	 * {@code spring.aop.proxy-target-class=false}, as Spring Boot does.
	 */
	static final class AutoProxyCreatorRegistrar implements ImportBeanDefinitionRegistrar, EnvironmentAware {

		private Environment environment = new org.springframework.core.env.StandardEnvironment();

		@Override
		public void setEnvironment(Environment environment) {
			this.environment = environment;
		}

		@Override
		public void registerBeanDefinitions(AnnotationMetadata metadata, BeanDefinitionRegistry registry) {
			AopConfigUtils.registerAutoProxyCreatorIfNecessary(registry);
			if (this.environment.getProperty("spring.aop.proxy-target-class", Boolean.class, true)) {
				AopConfigUtils.forceAutoProxyCreatorToUseClassProxying(registry);
			}
		}

	}

}
