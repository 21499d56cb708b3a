package io.github.dlm.lock;

import java.util.List;

import org.junit.jupiter.api.AfterEach;

import io.github.dlm.caching.CachingDlmClient;
import io.github.dlm.caching.CachingLockspace;
import io.github.dlm.core.DlmLockspace;
import io.github.dlm.core.LockspaceOptions;
import io.github.dlm.local.LocalDlmClient;
import io.github.dlm.local.LocalLockInfo;

/**
 * {@link DlmLockStressTests} with the registry on node-level caching over the local engine.
 * The locks left are read from the caching lockspace's local engine: its node locks stay
 * cached after the last release, by design, until the lockspace closes (checked by
 * {@code io.github.dlm.caching.CachingLockspaceTests}).
 */
class CachingDlmLockStressTests extends DlmLockStressTests {

	private CachingDlmClient caching;

	private CachingLockspace lockspace;

	@Override
	DlmLockspace openLockspace(LocalDlmClient client, String name) {
		this.caching = new CachingDlmClient(client);
		this.lockspace = this.caching.openLockspace(name, LockspaceOptions.DEFAULTS);
		return this.lockspace;
	}

	@AfterEach
	void closeCaching() {
		this.caching.close();
	}

	@Override
	List<LocalLockInfo> locksLeft(LocalDlmClient client, String name) {
		return this.lockspace.localLocks();
	}

}
