package io.github.dlm.autoconfigure;

import java.util.function.BooleanSupplier;

import io.github.dlm.core.DlmClient;
import io.github.dlm.jna.NativeDlmAvailability;
import io.github.dlm.jna.NativeDlmClient;
import io.github.dlm.jna.NativeDlmSettings;

import org.springframework.core.NativeDetector;

/**
 * The native backend through JNA and {@code libdlm.so.3}: {@link NativeDlmAvailability}
 * probes the library, the kernel module, the devices and {@code dlm_controld};
 * {@link NativeDlmClient} is the backend. Loaded only when {@code dlm-jna} and JNA are on
 * the class path. Not in a GraalVM native image (see {@link Problem#NATIVE_IMAGE}).
 */
final class JnaNativeDlmSupport implements NativeDlmSupport {

	static final String NATIVE_IMAGE_REASON = "The native backend needs a JVM: it binds libdlm through JNA's direct "
			+ "mapping, which defines classes at run time, and a GraalVM native image cannot";

	private final BooleanSupplier inNativeImage;

	JnaNativeDlmSupport() {
		this(NativeDetector::inNativeImage);
	}

	JnaNativeDlmSupport(BooleanSupplier inNativeImage) {
		this.inNativeImage = inNativeImage;
	}

	@Override
	public Availability check(DlmProperties properties) {
		if (this.inNativeImage.getAsBoolean()) {
			return Availability.unavailable(Problem.NATIVE_IMAGE, NATIVE_IMAGE_REASON);
		}
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
