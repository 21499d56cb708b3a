package io.github.dlm.test;

import org.junit.jupiter.api.Test;

import io.github.dlm.core.DlmClient;
import io.github.dlm.core.DlmLockspace;
import io.github.dlm.core.DlmMode;
import io.github.dlm.core.LockspaceOptions;
import io.github.dlm.lock.DlmLockRegistries;

import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * {@link DlmTestLocks} outside the local engine.
 */
class DlmTestLocksTests {

	@Test
	void anotherBackendIsRefusedNamingTheFix() {
		DlmClient kernel = new DlmClient() {

			@Override
			public String backendName() {
				return "native";
			}

			@Override
			public DlmLockspace openLockspace(String name, LockspaceOptions options) {
				throw new UnsupportedOperationException();
			}

			@Override
			public void close() {
			}

		};
		try (DlmLockRegistries registries = new DlmLockRegistries(kernel, "app", LockspaceOptions.DEFAULTS, DlmMode.EX)) {
			assertThatIllegalStateException().isThrownBy(() -> new DlmTestLocks(kernel, registries))
				.withMessageContaining("native backend")
				.withMessageContaining("@AutoConfigureDlm");
		}
	}

}
