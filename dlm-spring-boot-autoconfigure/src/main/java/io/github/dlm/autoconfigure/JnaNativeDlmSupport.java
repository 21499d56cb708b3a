package io.github.dlm.autoconfigure;

import io.github.dlm.core.DlmClient;
import io.github.dlm.jna.NativeDlmAvailability;
import io.github.dlm.jna.NativeDlmClient;
import io.github.dlm.jna.NativeDlmSettings;

/**
 * The native backend through JNA and {@code libdlm.so.3}: {@link NativeDlmAvailability}
 * probes the library, the kernel module, the devices and {@code dlm_controld};
 * {@link NativeDlmClient} is the backend.
 */
class JnaNativeDlmSupport implements NativeDlmSupport {

	@Override
	public Availability check(DlmProperties properties) {
		NativeDlmAvailability availability = NativeDlmAvailability.check(properties.getNative().getLibraryPath());
		return availability.isAvailable() ? Availability.AVAILABLE : Availability.unavailable(availability.getReason());
	}

	@Override
	public DlmClient create(DlmProperties properties) {
		NativeDlmSettings settings = new NativeDlmSettings(properties.getNative().getLibraryPath(),
				properties.getDispatcher().getThreadName(), NativeDlmSettings.DEFAULTS.pollInterval(),
				NativeDlmSettings.DEFAULTS.closeTimeout());
		return new NativeDlmClient(settings);
	}

}
