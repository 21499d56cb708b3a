package io.github.dlm.autoconfigure;

import io.github.dlm.core.DlmClient;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of the {@link DlmClient}: the backend chosen by {@code dlm.backend}.
 * A {@link DlmClient} bean of the application's own replaces it.
 */
@AutoConfiguration
@EnableConfigurationProperties(DlmProperties.class)
public class DlmAutoConfiguration {

	/**
	 * The native backend's probe and constructor.
	 * @return the native support
	 */
	@Bean
	@ConditionalOnMissingBean
	NativeDlmSupport dlmNativeSupport() {
		return new JnaNativeDlmSupport();
	}

	/**
	 * The backend selection.
	 * @param properties the configuration
	 * @param nativeSupport the native backend's probe and constructor
	 * @return the factory
	 */
	@Bean
	@ConditionalOnMissingBean
	DlmClientFactory dlmClientFactory(DlmProperties properties, NativeDlmSupport nativeSupport) {
		return new DlmClientFactory(properties, nativeSupport);
	}

	/**
	 * The DLM backend, closed after everything that uses it.
	 * @param factory the backend selection
	 * @return the client
	 */
	@Bean(destroyMethod = "close")
	@ConditionalOnMissingBean
	DlmClient dlmClient(DlmClientFactory factory) {
		return factory.create();
	}

}
