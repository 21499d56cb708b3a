package io.github.dlm.lock;

/**
 * {@link DlmLockAsyncTests} with the registry on node-level caching over the local engine.
 */
class CachingDlmLockAsyncTests extends DlmLockAsyncTests {

	@Override
	LocalLockspaceExtension fixture(String name) {
		return new LocalLockspaceExtension(name, true);
	}

}
