package io.github.dlm.sample;

import java.util.UUID;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import io.github.dlm.lock.DlmLockRegistry;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.EventListener;
import org.springframework.integration.leader.event.OnGrantedEvent;
import org.springframework.integration.leader.event.OnRevokedEvent;
import org.springframework.integration.support.leader.LockRegistryLeaderInitiator;
import org.springframework.integration.leader.DefaultCandidate;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Leader election through the DLM: Spring Integration's
 * {@link LockRegistryLeaderInitiator} holds the lock named after the role for as long as
 * this node leads. Every node of the application runs one; exactly one leads.
 */
@Configuration(proxyBeanMethods = false)
class Leadership {

	private static final Log logger = LogFactory.getLog(Leadership.class);

	@Bean
	LockRegistryLeaderInitiator leaderInitiator(DlmLockRegistry registry, SampleProperties properties) {
		String nodeId = "node-" + UUID.randomUUID().toString().substring(0, 8);
		return new LockRegistryLeaderInitiator(registry, new DefaultCandidate(nodeId, properties.leaderRole()));
	}

	@EventListener
	void granted(OnGrantedEvent event) {
		logger.info("this node is now leader for role " + event.getRole());
	}

	@EventListener
	void revoked(OnRevokedEvent event) {
		logger.info("this node is no longer leader for role " + event.getRole());
	}

	@RestController
	static class LeaderController {

		private final LockRegistryLeaderInitiator initiator;

		LeaderController(LockRegistryLeaderInitiator initiator) {
			this.initiator = initiator;
		}

		@GetMapping("/leader")
		LeaderStatus leader() {
			return new LeaderStatus(this.initiator.getContext().getRole(), this.initiator.getContext().isLeader());
		}

	}

	/**
	 * Whether this node leads.
	 *
	 * @param role the role
	 * @param leader whether this node is its leader
	 */
	record LeaderStatus(String role, boolean leader) {
	}

}
