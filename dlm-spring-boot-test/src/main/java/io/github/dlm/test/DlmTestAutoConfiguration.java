package io.github.dlm.test;

import io.github.dlm.autoconfigure.DlmLockRegistryAutoConfiguration;
import io.github.dlm.core.DlmClient;
import io.github.dlm.lock.DlmLockRegistries;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of {@link DlmTestLocks}, imported by {@link AutoConfigureDlm}.
 */
@AutoConfiguration(after = DlmLockRegistryAutoConfiguration.class)
@ConditionalOnBean(DlmLockRegistries.class)
public final class DlmTestAutoConfiguration {

	/**
	 * The test's view of the locks.
	 * @param client the backend, which must be the local engine
	 * @param registries the application's registries
	 * @return the test locks, closing the nodes they played with the context
	 */
	@Bean(destroyMethod = "close")
	@ConditionalOnMissingBean
	DlmTestLocks dlmTestLocks(DlmClient client, DlmLockRegistries registries) {
		return new DlmTestLocks(client, registries);
	}

}
