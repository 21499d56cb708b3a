package io.github.dlm.autoconfigure;

import io.github.dlm.core.DlmClient;

/**
 * The native backend when {@code dlm-jna} or JNA is not on the class path: never
 * available.
 */
final class AbsentNativeDlmSupport implements NativeDlmSupport {

	static final String REASON = "dlm-jna is not on the class path; add io.github.dlm:dlm-jna or use "
			+ "dlm-spring-boot-starter";

	@Override
	public Availability check(DlmProperties properties) {
		return Availability.unavailable(Problem.BINDING_MISSING, REASON);
	}

	@Override
	public DlmClient create(DlmProperties properties) {
		throw new IllegalStateException(REASON);
	}

}
