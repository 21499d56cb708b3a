package io.github.dlm.autoconfigure;

import io.github.dlm.core.DlmLockspaceExistsException;

/**
 * A lockspace that exists where it was to be created anew.
 */
final class DlmLockspaceExistsFailureAnalyzer extends DlmFailureAnalyzer<DlmLockspaceExistsException> {

	@Override
	String action(DlmLockspaceExistsException cause) {
		return "Set dlm.lockspace.create=false to open the existing lockspace, or choose another lockspace with "
				+ "dlm.lockspace.name.";
	}

}
