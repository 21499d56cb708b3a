package io.github.dlm.local;

import io.github.dlm.contract.DlmBackendContractTests;
import io.github.dlm.core.DlmClient;

/**
 * The backend contract, run on the local engine.
 */
class LocalDlmBackendContractTests extends DlmBackendContractTests {

	@Override
	protected DlmClient createClient() {
		return new LocalDlmClient();
	}

}
