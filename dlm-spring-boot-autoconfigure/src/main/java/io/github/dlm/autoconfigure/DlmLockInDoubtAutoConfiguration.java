package io.github.dlm.autoconfigure;

import io.github.dlm.lock.DlmLockRegistries;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of the "lock in doubt" events: while the context runs, every
 * lockspace the application opens is watched, and a {@link DlmLockInDoubtEvent} or
 * {@link DlmLockConfirmedEvent} is published on each change of its state. Off with
 * {@code dlm.lock-in-doubt.enabled=false}.
 */
@AutoConfiguration(after = DlmLockRegistryAutoConfiguration.class)
@ConditionalOnBean(DlmLockRegistries.class)
@ConditionalOnBooleanProperty(name = "dlm.lock-in-doubt.enabled", matchIfMissing = true)
@EnableConfigurationProperties(DlmLockInDoubtProperties.class)
public final class DlmLockInDoubtAutoConfiguration {

	/**
	 * The publisher of the events.
	 * @param registries the registries whose lockspaces are watched
	 * @param properties the configuration
	 * @param publisher where the events go
	 * @return the publisher, started and stopped with the context
	 */
	@Bean
	DlmLockInDoubtEventPublisher dlmLockInDoubtEventPublisher(DlmLockRegistries registries,
			DlmLockInDoubtProperties properties, ApplicationEventPublisher publisher) {
		registries.setLockspacePollInterval(properties.getPollInterval());
		return new DlmLockInDoubtEventPublisher(registries, publisher);
	}

}
