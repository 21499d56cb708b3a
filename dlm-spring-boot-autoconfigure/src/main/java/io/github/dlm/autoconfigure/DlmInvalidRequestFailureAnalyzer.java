package io.github.dlm.autoconfigure;

import io.github.dlm.core.DlmInvalidRequestException;
import io.github.dlm.core.DlmNames;

/**
 * A request the lock manager refused as invalid during start-up, such as opening a
 * lockspace by a name it does not accept.
 */
final class DlmInvalidRequestFailureAnalyzer extends DlmFailureAnalyzer<DlmInvalidRequestException> {

	@Override
	String action(DlmInvalidRequestException cause) {
		return "Set dlm.lockspace.name to a valid lockspace name: 1 to " + DlmNames.MAX_LOCKSPACE_NAME_LENGTH
				+ " characters from [A-Za-z0-9_-] (unset, it is derived from spring.application.name). If the "
				+ "failure came from a lock request of the application, check its mode, flags and key.";
	}

}
