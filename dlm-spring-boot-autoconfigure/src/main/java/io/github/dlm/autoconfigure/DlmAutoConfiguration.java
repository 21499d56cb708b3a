package io.github.dlm.autoconfigure;

import io.github.dlm.core.DlmClient;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Auto-configuration of the {@link DlmClient}: the backend chosen by {@code dlm.backend}.
 * A {@link DlmClient} bean of the application's own replaces it.
 * <p>
 * The native backend needs {@code dlm-jna} and JNA, which the starter brings; without
 * them {@code dlm.backend=auto} runs on the local engine (with a WARN line saying so) and
 * {@code dlm.backend=native} fails start-up.
 */
@AutoConfiguration
@EnableConfigurationProperties(DlmProperties.class)
public final class DlmAutoConfiguration {

	/**
	 * The backend selection.
	 * @param properties the configuration
	 * @param nativeSupport the native backend's probe and constructor, absent without
	 * {@code dlm-jna} or JNA
	 * @return the factory
	 */
	@Bean
	@ConditionalOnMissingBean
	DlmClientFactory dlmClientFactory(DlmProperties properties, ObjectProvider<NativeDlmSupport> nativeSupport) {
		return new DlmClientFactory(properties, nativeSupport.getIfAvailable(AbsentNativeDlmSupport::new));
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

	/**
	 * The dispatchers of the backend's lockspaces, as one lifecycle bean.
	 * @param client the backend
	 * @return the bean, stopped between the users of locks and the lockspaces' close
	 */
	@Bean
	@ConditionalOnMissingBean
	DlmDispatchers dlmDispatchers(DlmClient client) {
		return new DlmDispatchers(client);
	}

	/**
	 * The native backend, when {@code dlm-jna} and JNA are on the class path.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = { "io.github.dlm.jna.NativeDlmClient", "com.sun.jna.Native" })
	static final class NativeConfiguration {

		/**
		 * The native backend's probe and constructor.
		 * @return the native support
		 */
		@Bean
		@ConditionalOnMissingBean
		NativeDlmSupport dlmNativeSupport() {
			return new JnaNativeDlmSupport();
		}

	}

}
