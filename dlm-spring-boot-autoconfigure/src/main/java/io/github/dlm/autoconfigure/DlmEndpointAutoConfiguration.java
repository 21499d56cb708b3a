package io.github.dlm.autoconfigure;

import io.github.dlm.endpoint.DlmEndpoint;
import io.github.dlm.endpoint.DlmLockspaceReleaseWebExtension;
import io.github.dlm.lock.DlmLockRegistries;

import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of the {@link DlmEndpoint} ({@code /actuator/dlm}) when the actuator is
 * on the class path and the endpoint is exposed ({@code management.endpoints.web.exposure.include=dlm}),
 * like Spring Boot's own endpoints. Read-only, unless
 * {@code dlm.endpoint.release-lockspace.enabled=true} adds the operator action of
 * {@link DlmLockspaceReleaseWebExtension}.
 */
@AutoConfiguration(after = DlmLockRegistryAutoConfiguration.class)
@ConditionalOnClass(Endpoint.class)
@ConditionalOnBean(DlmLockRegistries.class)
@ConditionalOnAvailableEndpoint(DlmEndpoint.class)
public final class DlmEndpointAutoConfiguration {

	/**
	 * The endpoint.
	 * @param registries the registries it shows
	 * @return the endpoint
	 */
	@Bean
	@ConditionalOnMissingBean
	DlmEndpoint dlmEndpoint(DlmLockRegistries registries) {
		return new DlmEndpoint(registries);
	}

	/**
	 * The operator action that releases a lockspace ({@code DELETE /actuator/dlm/{lockspace}}),
	 * only with {@code dlm.endpoint.release-lockspace.enabled=true}: other users of the
	 * lockspace on this node lose their locks when it is forced.
	 * @param registries the registries whose client releases the lockspace
	 * @return the web extension
	 */
	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnBooleanProperty("dlm.endpoint.release-lockspace.enabled")
	DlmLockspaceReleaseWebExtension dlmLockspaceReleaseWebExtension(DlmLockRegistries registries) {
		return new DlmLockspaceReleaseWebExtension(registries);
	}

}
