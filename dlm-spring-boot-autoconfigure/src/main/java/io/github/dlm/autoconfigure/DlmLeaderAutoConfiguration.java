package io.github.dlm.autoconfigure;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;

import io.github.dlm.lock.DlmLockRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.integration.leader.Candidate;
import org.springframework.integration.leader.DefaultCandidate;
import org.springframework.integration.support.leader.LockRegistryLeaderInitiator;

/**
 * Auto-configuration of leader election through the DLM:
 * every {@link Candidate} bean, and a {@link DefaultCandidate} for {@code dlm.leader.role},
 * runs for leadership of its role by holding the EX lock named after the role in the default
 * lock registry. Leadership changes come as Spring Integration's {@code OnGrantedEvent} and
 * {@code OnRevokedEvent} application events. Backs off when the application wires a
 * {@link LockRegistryLeaderInitiator} itself.
 */
@AutoConfiguration(after = DlmLockRegistryAutoConfiguration.class)
@ConditionalOnClass(LockRegistryLeaderInitiator.class)
@ConditionalOnBean(DlmLockRegistry.class)
@ConditionalOnBooleanProperty(name = "dlm.leader.enabled", matchIfMissing = true)
@ConditionalOnMissingBean(LockRegistryLeaderInitiator.class)
@EnableConfigurationProperties(DlmLeaderProperties.class)
public final class DlmLeaderAutoConfiguration {

	/**
	 * The initiators: one per candidate bean, plus one for {@code dlm.leader.role}.
	 * @param registry the default lock registry
	 * @param candidates the application's candidates
	 * @param properties the leader configuration
	 * @param eventPublisher publishes the leadership events
	 * @return the initiators, started and stopped with the context
	 */
	@Bean
	@ConditionalOnMissingBean
	DlmLeaderInitiators dlmLeaderInitiators(DlmLockRegistry registry, ObjectProvider<Candidate> candidates,
			DlmLeaderProperties properties, ApplicationEventPublisher eventPublisher) {
		List<Candidate> all = new ArrayList<>(candidates.orderedStream().toList());
		if (properties.getRole() != null) {
			all.add(new DefaultCandidate(ManagementFactory.getRuntimeMXBean().getName(), properties.getRole()));
		}
		return new DlmLeaderInitiators(registry, all, properties, eventPublisher);
	}

}
