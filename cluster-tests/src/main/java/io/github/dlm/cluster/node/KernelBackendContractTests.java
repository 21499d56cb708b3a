package io.github.dlm.cluster.node;

import org.junit.jupiter.api.BeforeAll;

import io.github.dlm.contract.DlmBackendContractTests;
import io.github.dlm.core.DlmClient;
import io.github.dlm.jna.NativeDlmAvailability;
import io.github.dlm.jna.NativeDlmClient;
import io.github.dlm.jna.NativeDlmSettings;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The backend contract on the kernel DLM through libdlm, run inside a node by
 * {@code KernelContractClusterIT} with the JUnit console launcher. Where the native DLM is
 * not {@linkplain NativeDlmAvailability available} every test is skipped with the probe's
 * reason.
 */
public class KernelBackendContractTests extends DlmBackendContractTests {

	@BeforeAll
	static void requireKernelDlm() {
		NativeDlmAvailability availability = NativeDlmAvailability.check(System.getProperty("dlm.native.library-path"));
		if (!availability.isAvailable()) {
			// Surefire shows a class skipped in @BeforeAll as "Tests run: 0": say why.
			System.err.println("KernelBackendContractTests skipped: " + availability.getReason());
		}
		assumeTrue(availability.isAvailable(), availability::getReason);
	}

	@Override
	protected DlmClient createClient() {
		return new NativeDlmClient(NativeDlmSettings.DEFAULTS.withLibraryPath(System.getProperty("dlm.native.library-path")));
	}

}
