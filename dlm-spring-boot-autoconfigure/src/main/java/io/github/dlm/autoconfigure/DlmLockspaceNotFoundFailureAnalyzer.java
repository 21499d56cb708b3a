package io.github.dlm.autoconfigure;

import io.github.dlm.core.DlmLockspaceNotFoundException;

/**
 * A lockspace that does not exist and was not to be created: let the application create
 * it, or create it beforehand.
 */
final class DlmLockspaceNotFoundFailureAnalyzer extends DlmFailureAnalyzer<DlmLockspaceNotFoundException> {

	@Override
	String action(DlmLockspaceNotFoundException cause) {
		return "Let the application create the lockspace when it does not exist, with dlm.lockspace.create=true "
				+ "(the default; on the native backend creating needs CAP_SYS_ADMIN and a running dlm_controld), "
				+ "or create it on this node beforehand with 'dlm_tool join <lockspace name>'.";
	}

}
