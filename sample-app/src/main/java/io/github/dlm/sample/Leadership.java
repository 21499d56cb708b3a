package io.github.dlm.sample;

import java.util.Objects;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import io.github.dlm.autoconfigure.DlmLeaderInitiators;
import io.github.dlm.autoconfigure.DlmLeaderProperties;

import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.EventListener;
import org.springframework.integration.leader.event.OnGrantedEvent;
import org.springframework.integration.leader.event.OnRevokedEvent;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Leader election through the DLM, auto-configured by the starter: {@code dlm.leader.role}
 * makes this node a candidate, and the starter's {@link DlmLeaderInitiators} hold the lock
 * named after the role for as long as this node leads. Every node of the application runs
 * one; exactly one leads. This class only logs the leadership events and serves
 * {@code /leader}.
 */
@Configuration(proxyBeanMethods = false)
class Leadership {

	private static final Log logger = LogFactory.getLog(Leadership.class);

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

		private final DlmLeaderInitiators initiators;

		private final String role;

		LeaderController(DlmLeaderInitiators initiators, DlmLeaderProperties properties) {
			this.initiators = initiators;
			this.role = Objects.requireNonNull(properties.getRole(), "dlm.leader.role must be set for the sample");
		}

		@GetMapping("/leader")
		LeaderStatus leader() {
			return new LeaderStatus(this.role, this.initiators.isLeader(this.role));
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
