package io.github.dlm.jna;

import org.junit.jupiter.api.BeforeAll;

import io.github.dlm.contract.DlmBackendContractTests;
import io.github.dlm.core.DlmClient;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The backend contract on the kernel DLM through libdlm. Runs only where the native DLM is
 * {@linkplain NativeDlmAvailability available} (the VM cluster suite runs it inside a
 * node); elsewhere every test is skipped with the probe's reason.
 */
class NativeDlmBackendContractTests extends DlmBackendContractTests {

	@BeforeAll
	static void requireKernelDlm() {
		NativeDlmAvailability availability = NativeDlmAvailability.check(System.getProperty("dlm.native.library-path"));
		if (!availability.isAvailable()) {
			// Surefire shows a class skipped in @BeforeAll as "Tests run: 0": say why.
			System.err.println("NativeDlmBackendContractTests skipped: " + availability.getReason());
		}
		assumeTrue(availability.isAvailable(), availability::getReason);
	}

	@Override
	protected DlmClient createClient() {
		return new NativeDlmClient(NativeDlmSettings.DEFAULTS.withLibraryPath(System.getProperty("dlm.native.library-path")));
	}

}
