package io.github.dlm.cluster.workload;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Lock;

import io.github.dlm.core.DlmClient;
import io.github.dlm.core.DlmLockspace;
import io.github.dlm.core.LockspaceOptions;
import io.github.dlm.jna.NativeDlmClient;
import io.github.dlm.lock.DlmLockRegistry;

/**
 * The DLM through the starter's lock registry: {@link DlmLockRegistry} over the native
 * backend, {@code tryLock(wait)} and {@code unlock()} around the section.
 */
final class DlmRegistrySystem implements WorkloadSystem {

	/** The system's name. */
	static final String NAME = "dlm-registry";

	private final DlmClient client;

	private final DlmLockspace lockspace;

	private final DlmLockRegistry registry;

	DlmRegistrySystem(String lockspace) {
		this.client = new NativeDlmClient();
		this.lockspace = this.client.openLockspace(lockspace, LockspaceOptions.DEFAULTS);
		this.registry = new DlmLockRegistry(this.lockspace);
	}

	@Override
	public String name() {
		return NAME;
	}

	@Override
	public boolean runLocked(String key, Duration wait, CriticalSection criticalSection) throws Exception {
		Lock lock = this.registry.obtain(key);
		if (!lock.tryLock(wait.toMillis(), TimeUnit.MILLISECONDS)) {
			return false;
		}
		try {
			criticalSection.run();
		}
		finally {
			lock.unlock();
		}
		return true;
	}

	@Override
	public void close() throws Exception {
		try (DlmClient client = this.client; DlmLockspace lockspace = this.lockspace) {
			this.registry.close();
		}
	}

}
