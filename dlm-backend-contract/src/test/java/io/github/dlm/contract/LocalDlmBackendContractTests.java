package io.github.dlm.contract;

import io.github.dlm.core.DlmClient;
import io.github.dlm.local.LocalDlmClient;

/**
 * The backend contract, run on the local engine.
 */
class LocalDlmBackendContractTests extends DlmBackendContractTests {

	@Override
	protected DlmClient createClient() {
		return new LocalDlmClient();
	}

}
