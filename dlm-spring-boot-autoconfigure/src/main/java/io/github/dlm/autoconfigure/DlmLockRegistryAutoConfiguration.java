package io.github.dlm.autoconfigure;

import java.time.Duration;

import io.github.dlm.core.DlmClient;
import io.github.dlm.lock.DlmLockRegistries;
import io.github.dlm.lock.DlmLockRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * Auto-configuration of the lock registries: {@link DlmLockRegistries} (one
 * {@link DlmLockRegistry} per lockspace, opened on first use) and the default
 * lockspace's {@link DlmLockRegistry}, which is also Spring Integration's
 * {@code LockRegistry} for the application.
 * <p>
 * The registries depend on the {@link DlmClient}, so the context closes them (releasing
 * their locks and lockspaces) before it closes the client.
 */
@AutoConfiguration(after = DlmAutoConfiguration.class)
@ConditionalOnBean(DlmClient.class)
public class DlmLockRegistryAutoConfiguration {

	/**
	 * The registries, one per lockspace.
	 * @param client the backend
	 * @param properties the configuration
	 * @param environment the environment, for the default lockspace name
	 * @return the registries
	 */
	@Bean(destroyMethod = "close")
	@ConditionalOnMissingBean
	DlmLockRegistries dlmLockRegistries(DlmClient client, DlmProperties properties, Environment environment) {
		return new DlmLockRegistries(client, DlmLockspaceNames.resolve(properties, environment),
				properties.getLockspace().toOptions(), properties.getDefaultMode());
	}

	/**
	 * The registry of the default lockspace. Owned by the registries, which close it.
	 * @param registries the registries
	 * @return the default registry
	 */
	@Bean(destroyMethod = "")
	@ConditionalOnMissingBean
	DlmLockRegistry dlmLockRegistry(DlmLockRegistries registries) {
		return registries.registry();
	}

	/**
	 * Drops lock objects that have been unused for {@code dlm.registry.expire-unused-after}.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnProperty("dlm.registry.expire-unused-after")
	static class ExpiryConfiguration {

		/**
		 * The periodic expiry.
		 * @param registries the registries to sweep
		 * @param properties the configuration
		 * @return the expiry task, started and stopped with the context
		 */
		@Bean
		@ConditionalOnMissingBean
		DlmLockExpiry dlmLockExpiry(ObjectProvider<DlmLockRegistries> registries, DlmProperties properties) {
			Duration age = properties.getRegistry().getExpireUnusedAfter();
			return new DlmLockExpiry(registries, age);
		}

	}

}
