package io.github.dlm.autoconfigure;

import org.jspecify.annotations.Nullable;

import io.github.dlm.core.DlmClient;

/**
 * The native backend as the backend selection sees it: whether it can run here and how to
 * start it. Kept apart from {@link DlmClientFactory} so that the choice can be tested on
 * any machine, and so that nothing of {@code dlm-jna} or JNA is loaded when they are not on
 * the class path.
 */
interface NativeDlmSupport {

	/**
	 * Checks, without side effects that outlive the call, whether the kernel DLM can be
	 * used from this process.
	 * @param properties the configuration (library path override)
	 * @return available, or the problem and its reason
	 */
	Availability check(DlmProperties properties);

	/**
	 * Starts the native backend.
	 * @param properties the configuration (library path, dispatcher thread name)
	 * @return the client
	 * @throws io.github.dlm.core.DlmUnavailableException if it cannot be used after all
	 */
	DlmClient create(DlmProperties properties);

	/**
	 * What keeps the native backend from being used.
	 */
	enum Problem {

		/** {@code dlm-jna} or JNA is not on the class path. */
		BINDING_MISSING,

		/**
		 * The application is a GraalVM native image: JNA's direct mapping defines classes
		 * at run time, which a native image cannot do.
		 */
		NATIVE_IMAGE,

		/** libdlm could not be loaded. */
		LIBRARY_NOT_LOADED,

		/** libdlm loaded, but the kernel side (module, devices, {@code dlm_controld}) is not ready. */
		KERNEL_NOT_READY

	}

	/**
	 * The outcome of a {@linkplain #check check}.
	 *
	 * @param problem what keeps the native backend from being used, {@code null} when it
	 * can be used
	 * @param reason why, in the library's words; {@code null} when it can be used
	 */
	record Availability(@Nullable Problem problem, @Nullable String reason) {

		/** The native backend can be used. */
		static final Availability AVAILABLE = new Availability(null, null);

		/**
		 * Whether the native backend can be used.
		 * @return {@code true} if it can
		 */
		boolean isAvailable() {
			return this.problem == null;
		}

		/**
		 * The native backend cannot be used.
		 * @param problem what is missing
		 * @param reason why, in the library's words
		 * @return the availability
		 */
		static Availability unavailable(Problem problem, String reason) {
			return new Availability(problem, reason);
		}

	}

}
