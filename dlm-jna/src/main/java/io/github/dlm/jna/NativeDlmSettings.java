package io.github.dlm.jna;

import java.time.Duration;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * Settings of the native backend.
 *
 * @param libraryPath the libdlm file to load instead of the system's {@code libdlm.so.3},
 * or {@code null}
 * @param dispatcherThreadNamePrefix the prefix of each lockspace's dispatcher thread name;
 * the lockspace name is appended
 * @param pollInterval how long the dispatcher's {@code poll()} waits before it checks
 * whether it was stopped: bounds how long closing a lockspace takes, not how fast
 * completions arrive (they wake the poll at once)
 * @param closeTimeout how long closing a lockspace waits for the completions of the
 * cancels and unlocks it sends before it closes the descriptor anyway (the kernel then
 * releases whatever is left)
 */
public record NativeDlmSettings(@Nullable String libraryPath, String dispatcherThreadNamePrefix,
		Duration pollInterval, Duration closeTimeout) {

	/** System library, threads {@code dlm-dispatch-<lockspace>}, 200 ms poll, 10 s close timeout. */
	public static final NativeDlmSettings DEFAULTS = new NativeDlmSettings(null, "dlm-dispatch-",
			Duration.ofMillis(200), Duration.ofSeconds(10));

	public NativeDlmSettings {
		Objects.requireNonNull(dispatcherThreadNamePrefix, "The dispatcher thread name prefix must not be null");
		checkPollInterval(pollInterval);
		Objects.requireNonNull(closeTimeout, "The close timeout must not be null");
		if (closeTimeout.isNegative()) {
			throw new IllegalArgumentException("The close timeout must not be negative but was " + closeTimeout);
		}
	}

	static void checkPollInterval(Duration pollInterval) {
		Objects.requireNonNull(pollInterval, "The dispatcher poll interval must not be null");
		if (pollInterval.toMillis() < 1 || pollInterval.toSeconds() > 10) {
			throw new IllegalArgumentException(
					"The dispatcher poll interval must be between 1 ms and 10 s but was " + pollInterval);
		}
	}

	/**
	 * These settings with another library path.
	 * @param libraryPath the libdlm file, or {@code null} for the system library
	 * @return the new settings
	 */
	public NativeDlmSettings withLibraryPath(@Nullable String libraryPath) {
		return new NativeDlmSettings(libraryPath, this.dispatcherThreadNamePrefix, this.pollInterval, this.closeTimeout);
	}

}
