package io.github.dlm.autoconfigure;

import io.github.dlm.core.DlmClient;
import io.github.dlm.core.DlmErrors;
import io.github.dlm.core.DlmUnavailableException;

/**
 * The native backend through JNA and {@code libdlm.so.3}.
 */
class JnaNativeDlmSupport implements NativeDlmSupport {

	// TODO(native): replace with the io.github.dlm.jna availability probe and NativeDlmClient once merged
	private static final String REASON = "this build has no native backend yet (io.github.dlm.jna.NativeDlmClient)";

	@Override
	public Availability check(DlmProperties properties) {
		return Availability.unavailable(REASON, "use a build that includes the native backend");
	}

	@Override
	public DlmClient create(DlmProperties properties) {
		throw new DlmUnavailableException(REASON, DlmErrors.ENOENT);
	}

}
