package io.github.dlm.autoconfigure;

import io.github.dlm.core.DlmPermissionException;
import io.github.dlm.core.Errno;

/**
 * Permission denied: {@code EACCES} on a lockspace device another process created,
 * {@code EPERM} for creating or releasing a lockspace without {@code CAP_SYS_ADMIN}.
 */
final class DlmPermissionFailureAnalyzer extends DlmFailureAnalyzer<DlmPermissionException> {

	@Override
	String action(DlmPermissionException cause) {
		if (cause.getErrno() == Errno.EACCES) {
			return "Opening a lockspace needs read-write access to its device /dev/misc/dlm_<lockspace name>. The "
					+ "process that creates the lockspace sets the device's mode with dlm.lockspace.permissions: set "
					+ "it there to admit this process (such as 0660 for the same group, or 0666 for everyone), or "
					+ "run this application as the same user.";
		}
		return "Creating or releasing a lockspace needs CAP_SYS_ADMIN: run the application with that capability, "
				+ "or create the lockspace beforehand with 'dlm_tool join <lockspace name>' and set "
				+ "dlm.lockspace.create=false (keeping dlm.lockspace.release-on-shutdown=false).";
	}

}
