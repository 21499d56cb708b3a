package io.github.dlm.contract;

import io.github.dlm.caching.CachingDlmClient;
import io.github.dlm.core.DlmClient;
import io.github.dlm.local.LocalDlmClient;

/**
 * The backend contract, run on node-level caching over the local engine: each lockspace
 * handle the tests open is a node with its own node locks.
 */
class CachingDlmBackendContractTests extends DlmBackendContractTests {

	@Override
	protected DlmClient createClient() {
		return new CachingDlmClient(new LocalDlmClient());
	}

}
