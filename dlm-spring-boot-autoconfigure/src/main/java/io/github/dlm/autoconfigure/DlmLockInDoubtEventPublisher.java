package io.github.dlm.autoconfigure;

import io.github.dlm.lock.DlmLockInDoubtListener;
import io.github.dlm.lock.DlmLockRegistries;
import io.github.dlm.lock.DlmLockspaceStateChange;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.SmartLifecycle;

/**
 * Publishes a {@link DlmLockInDoubtEvent} or {@link DlmLockConfirmedEvent} for each change
 * of state of a lockspace of the application, as a lock-in-doubt listener of every
 * registry while the context runs.
 */
final class DlmLockInDoubtEventPublisher implements DlmLockInDoubtListener, SmartLifecycle {

	private final DlmLockRegistries registries;

	private final ApplicationEventPublisher publisher;

	private volatile boolean running;

	DlmLockInDoubtEventPublisher(DlmLockRegistries registries, ApplicationEventPublisher publisher) {
		this.registries = registries;
		this.publisher = publisher;
	}

	@Override
	public void lockspaceStateChanged(DlmLockspaceStateChange change) {
		this.publisher.publishEvent(change.isInDoubt() ? new DlmLockInDoubtEvent(this.registries, change)
				: new DlmLockConfirmedEvent(this.registries, change));
	}

	@Override
	public void start() {
		this.registries.addLockInDoubtListener(this);
		this.running = true;
	}

	@Override
	public void stop() {
		this.running = false;
		this.registries.removeLockInDoubtListener(this);
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

}
