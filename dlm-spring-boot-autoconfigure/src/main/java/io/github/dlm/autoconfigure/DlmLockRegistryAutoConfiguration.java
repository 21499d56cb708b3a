package io.github.dlm.autoconfigure;

import java.time.Duration;

import io.github.dlm.core.DlmClient;
import io.github.dlm.lock.DlmKeyStrategy;
import io.github.dlm.lock.DlmLockBlockingListener;
import io.github.dlm.lock.DlmLockRegistries;
import io.github.dlm.lock.DlmLockRegistry;
import io.github.dlm.lock.DlmLongHoldMonitor;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.integration.support.locks.ExpirableLockRegistry;
import org.springframework.util.Assert;

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
@ConditionalOnClass({ DlmLockRegistries.class, ExpirableLockRegistry.class })
@ConditionalOnBean(DlmClient.class)
public final class DlmLockRegistryAutoConfiguration {

	private static final Log logger = LogFactory.getLog(DlmLockRegistryAutoConfiguration.class);

	/**
	 * The registries, one per lockspace.
	 * @param client the backend
	 * @param properties the configuration
	 * @param environment the environment, for the default lockspace name
	 * @param keyStrategy the application's own key strategy, if it defines one; else
	 * {@code dlm.registry.key-strategy} decides
	 * @param blockingListener the application's blocking listener, if it defines one
	 * @param customizers applied last, in order
	 * @return the registries
	 */
	@Bean
	@ConditionalOnMissingBean
	DlmLockRegistries dlmLockRegistries(DlmClient client, DlmProperties properties, Environment environment,
			ObjectProvider<DlmKeyStrategy> keyStrategy, ObjectProvider<DlmLockBlockingListener> blockingListener,
			ObjectProvider<DlmLockRegistriesCustomizer> customizers) {
		String lockspace = DlmLockspaceNames.resolve(properties, environment);
		logger.info("DLM locks on the " + client.backendName() + " backend in lockspace '" + lockspace + "' ("
				+ DlmLockspaceNames.origin(properties, environment) + ")");
		DlmLockRegistries registries = new DlmLockRegistries(client, lockspace, properties.getLockspace().toOptions(),
				properties.getDefaultMode());
		registries.setKeyStrategy(keyStrategy.getIfUnique(() -> keyStrategy(properties.getRegistry().getKeyStrategy())));
		blockingListener.ifUnique(registries::setBlockingListener);
		registries.setRetainValueBlocks(properties.getRegistry().isRetainValueBlocks());
		registries.setCacheCapacity(properties.getRegistry().getCacheCapacity());
		registries.setFencingTokens(properties.getRegistry().getFencingTokens().isEnabled());
		customizers.orderedStream().forEach((customizer) -> customizer.customize(registries));
		return registries;
	}

	private static DlmKeyStrategy keyStrategy(DlmProperties.KeyStrategy keyStrategy) {
		return switch (keyStrategy) {
			case UTF8 -> DlmKeyStrategy.utf8();
			case HASH_LONG_KEYS -> DlmKeyStrategy.hashingLongKeys();
		};
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
	 * Warns of locks held longer than {@code dlm.registry.warn-held-longer-than} (unless it
	 * is 0).
	 */
	@Configuration(proxyBeanMethods = false)
	@Conditional(LongHoldWarningCondition.class)
	static final class LongHoldMonitorConfiguration {

		/**
		 * The monitor of long holds.
		 * @param registries the registries whose holds it watches
		 * @param properties the configuration
		 * @return the monitor, started and stopped with the context
		 */
		@Bean
		@ConditionalOnMissingBean
		DlmLongHoldMonitor dlmLongHoldMonitor(DlmLockRegistries registries, DlmProperties properties) {
			return new DlmLongHoldMonitor(registries, properties.getRegistry().getWarnHeldLongerThan());
		}

	}

	/**
	 * Drops lock objects that have been unused for {@code dlm.registry.expire-unused-after}.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnProperty("dlm.registry.expire-unused-after")
	static final class ExpiryConfiguration {

		/**
		 * The periodic expiry.
		 * @param registries the registries to sweep
		 * @param properties the configuration
		 * @return the expiry task, started and stopped with the context
		 */
		@Bean
		@ConditionalOnMissingBean
		DlmLockExpiry dlmLockExpiry(DlmLockRegistries registries, DlmProperties properties) {
			Duration age = properties.getRegistry().getExpireUnusedAfter();
			Assert.state(age != null, "dlm.registry.expire-unused-after is not set");
			return new DlmLockExpiry(registries, age);
		}

	}

}
