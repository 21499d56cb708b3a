package io.github.dlm.autoconfigure;

import io.github.dlm.core.DlmClient;
import io.github.dlm.jna.NativeDlmAvailability;
import io.github.dlm.jna.NativeDlmClient;
import io.github.dlm.jna.NativeDlmSettings;

/**
 * The native backend through JNA and {@code libdlm.so.3}: {@link NativeDlmAvailability}
 * probes the library, the kernel module, the devices and {@code dlm_controld};
 * {@link NativeDlmClient} is the backend. Loaded only when {@code dlm-jna} and JNA are on
 * the class path.
 */
final class JnaNativeDlmSupport implements NativeDlmSupport {

	@Override
	public Availability check(DlmProperties properties) {
		NativeDlmAvailability availability = NativeDlmAvailability.check(properties.getNative().getLibraryPath());
		if (availability.isAvailable()) {
			return Availability.AVAILABLE;
		}
		Problem problem = (availability.getProblem() == NativeDlmAvailability.Problem.LIBRARY)
				? Problem.LIBRARY_NOT_LOADED : Problem.KERNEL_NOT_READY;
		return Availability.unavailable(problem, availability.getReason());
	}

	@Override
	public DlmClient create(DlmProperties properties) {
		NativeDlmSettings settings = new NativeDlmSettings(properties.getNative().getLibraryPath(),
				properties.getDispatcher().getThreadName(), NativeDlmSettings.DEFAULTS.pollInterval(),
				NativeDlmSettings.DEFAULTS.closeTimeout());
		return new NativeDlmClient(settings);
	}

}
