package io.github.dlm.autoconfigure;

import org.jspecify.annotations.Nullable;

import io.github.dlm.core.DlmClient;

/**
 * The native backend as the backend selection sees it: whether it can run here and how to
 * start it. Kept apart from {@link DlmClientFactory} so that the choice can be tested on
 * any machine.
 */
public interface NativeDlmSupport {

	/**
	 * Checks, without side effects that outlive the call, whether the kernel DLM can be
	 * used from this process.
	 * @param properties the configuration (library path override)
	 * @return available, or the reason with its fix
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
	 * The outcome of a {@linkplain #check check}.
	 *
	 * @param reason why the native backend cannot be used and what to do about it,
	 * {@code null} when it can be used
	 */
	record Availability(@Nullable String reason) {

		/** The native backend can be used. */
		public static final Availability AVAILABLE = new Availability(null);

		/**
		 * Whether the native backend can be used.
		 * @return {@code true} if it can
		 */
		public boolean isAvailable() {
			return this.reason == null;
		}

		/**
		 * The native backend cannot be used.
		 * @param reason why, naming the fix
		 * @return the availability
		 */
		public static Availability unavailable(String reason) {
			return new Availability(reason);
		}

	}

}
