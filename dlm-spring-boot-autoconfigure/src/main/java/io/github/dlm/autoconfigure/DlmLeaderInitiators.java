package io.github.dlm.autoconfigure;

import java.util.List;
import java.util.Optional;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.SmartLifecycle;
import org.springframework.integration.leader.Candidate;
import org.springframework.integration.support.leader.LockRegistryLeaderInitiator;
import org.springframework.integration.support.locks.LockRegistry;

/**
 * The leader initiators of an application, one per {@link Candidate}, started and stopped
 * together with the context, in the initiators' own lifecycle phase: they stop before the
 * lock registries close, so a leader gives up its lock (and the others learn it) as the
 * application shuts down.
 */
public final class DlmLeaderInitiators implements SmartLifecycle {

	private final List<LockRegistryLeaderInitiator> initiators;

	private volatile boolean running;

	DlmLeaderInitiators(LockRegistry<?> registry, List<Candidate> candidates, DlmLeaderProperties properties,
			ApplicationEventPublisher eventPublisher) {
		this.initiators = candidates.stream().map((candidate) -> {
			LockRegistryLeaderInitiator initiator = new LockRegistryLeaderInitiator(registry, candidate);
			initiator.setHeartBeatMillis(properties.getHeartBeat().toMillis());
			initiator.setBusyWaitMillis(properties.getBusyWait().toMillis());
			initiator.setPublishFailedEvents(properties.isPublishFailedEvents());
			initiator.setApplicationEventPublisher(eventPublisher);
			initiator.setAutoStartup(false);
			return initiator;
		}).toList();
	}

	/**
	 * The initiators, one per candidate, in the candidates' order.
	 * @return the initiators
	 */
	public List<LockRegistryLeaderInitiator> getInitiators() {
		return this.initiators;
	}

	/**
	 * The initiator of a role.
	 * @param role the role
	 * @return its initiator, if a candidate of this process runs for it
	 */
	public Optional<LockRegistryLeaderInitiator> forRole(String role) {
		return this.initiators.stream().filter((initiator) -> role.equals(initiator.getContext().getRole())).findFirst();
	}

	/**
	 * Whether this process leads a role now.
	 * @param role the role
	 * @return {@code true} if one of its candidates for the role holds the lock
	 */
	public boolean isLeader(String role) {
		return forRole(role).map((initiator) -> initiator.getContext().isLeader()).orElse(false);
	}

	@Override
	public void start() {
		this.initiators.forEach(LockRegistryLeaderInitiator::start);
		this.running = true;
	}

	@Override
	public void stop() {
		this.initiators.forEach(LockRegistryLeaderInitiator::stop);
		this.running = false;
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		return this.initiators.isEmpty() ? SmartLifecycle.DEFAULT_PHASE : this.initiators.get(0).getPhase();
	}

}
