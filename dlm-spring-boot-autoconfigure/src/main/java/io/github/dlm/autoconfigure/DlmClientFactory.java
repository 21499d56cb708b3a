package io.github.dlm.autoconfigure;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import io.github.dlm.caching.CachingDlmClient;
import io.github.dlm.core.DlmClient;
import io.github.dlm.local.LocalDlmClient;

/**
 * Creates the {@link DlmClient} that {@code dlm.backend} asks for: {@code local} gives the
 * in-process engine; {@code native} the kernel DLM or a start-up failure that
 * {@link DlmUnavailableFailureAnalyzer} turns into what to set; {@code auto} the kernel DLM
 * when it can be used, else the local engine with exactly one WARN line saying why.
 */
final class DlmClientFactory {

	private static final Log logger = LogFactory.getLog(DlmClientFactory.class);

	private final DlmProperties properties;

	private final NativeDlmSupport nativeSupport;

	/**
	 * Creates a factory.
	 * @param properties the configuration
	 * @param nativeSupport the native backend's probe and constructor
	 */
	DlmClientFactory(DlmProperties properties, NativeDlmSupport nativeSupport) {
		this.properties = properties;
		this.nativeSupport = nativeSupport;
	}

	/**
	 * Creates the client for the configured backend.
	 * @return the client, which the caller closes
	 * @throws NativeBackendUnavailableException if {@code dlm.backend=native} and the kernel
	 * DLM cannot be used
	 */
	DlmClient create() {
		return switch (this.properties.getBackend()) {
			case LOCAL -> createLocal();
			case NATIVE -> createNative();
			case AUTO -> createAuto();
		};
	}

	private DlmClient createNative() {
		NativeDlmSupport.Availability availability = this.nativeSupport.check(this.properties);
		if (availability.problem() != null) {
			throw new NativeBackendUnavailableException(availability.problem(), String.valueOf(availability.reason()),
					this.properties.getNative().getLibraryPath());
		}
		return cached(this.nativeSupport.create(this.properties));
	}

	private DlmClient createAuto() {
		NativeDlmSupport.Availability availability = this.nativeSupport.check(this.properties);
		if (availability.isAvailable()) {
			return cached(this.nativeSupport.create(this.properties));
		}
		logger.warn("dlm.backend=auto: using the in-process local DLM backend, so locks are not shared with other "
				+ "processes or nodes, because the kernel DLM cannot be used. "
				+ oneLine(String.valueOf(availability.reason()))
				+ ". (Set dlm.backend=local to choose the local backend without this warning.)");
		return createLocal();
	}

	/** JNA's load errors span several lines; the fallback is announced in exactly one. */
	private static String oneLine(String text) {
		return text.replaceAll("\\s*\\R\\s*", " ");
	}

	/**
	 * Node-level caching over the native backend unless {@code dlm.caching.enabled=false}.
	 * The local engine is one node in one process already: it is left as it is, so that
	 * its lock dump (which test support and the sample read) shows the locks held.
	 */
	private DlmClient cached(DlmClient client) {
		DlmProperties.Caching caching = this.properties.getCaching();
		return caching.isEnabled() ? new CachingDlmClient(client, caching.getReleaseIdleAfter()) : client;
	}

	private DlmClient createLocal() {
		return new LocalDlmClient(this.properties.getDispatcher().getThreadName());
	}

}
