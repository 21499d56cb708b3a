package io.github.dlm.lock;

/**
 * {@link DlmLockSafetyTests} with the registry on node-level caching over the local engine.
 */
class CachingDlmLockSafetyTests extends DlmLockSafetyTests {

	@Override
	LocalLockspaceExtension fixture(String name) {
		return new LocalLockspaceExtension(name, true);
	}

}
