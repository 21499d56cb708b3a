package io.github.dlm.autoconfigure;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.zip.CRC32;

import org.jspecify.annotations.Nullable;

import io.github.dlm.core.DlmNames;

import org.springframework.core.env.Environment;

/**
 * Picks the lockspace name: {@code dlm.lockspace.name} when set, else one derived from
 * {@code spring.application.name}, else {@value #FALLBACK}.
 */
final class DlmLockspaceNames {

	/** The lockspace name when neither {@code dlm.lockspace.name} nor an application name is set. */
	static final String FALLBACK = "spring";

	private static final int HASH_LENGTH = 8;

	private DlmLockspaceNames() {
	}

	/**
	 * The lockspace to use.
	 * @param properties the DLM configuration
	 * @param environment the environment holding {@code spring.application.name}
	 * @return a valid lockspace name
	 */
	static String resolve(DlmProperties properties, Environment environment) {
		String configured = properties.getLockspace().getName();
		return (configured != null) ? configured : fromApplicationName(environment.getProperty("spring.application.name"));
	}

	/**
	 * Where {@link #resolve} took the name from, for the start-up log line: a derived name
	 * can differ a lot from the application name it came from.
	 * @param properties the DLM configuration
	 * @param environment the environment holding {@code spring.application.name}
	 * @return a phrase such as {@code from dlm.lockspace.name}
	 */
	static String origin(DlmProperties properties, Environment environment) {
		if (properties.getLockspace().getName() != null) {
			return "from dlm.lockspace.name";
		}
		String applicationName = environment.getProperty("spring.application.name");
		if (applicationName == null || applicationName.isBlank()) {
			return "the default: neither dlm.lockspace.name nor spring.application.name is set";
		}
		if (fromApplicationName(applicationName).equals(applicationName)) {
			return "from spring.application.name";
		}
		return "derived from spring.application.name '" + applicationName + "', as lockspace names are 1.."
				+ DlmNames.MAX_LOCKSPACE_NAME_LENGTH + " characters from [A-Za-z0-9_-]; set dlm.lockspace.name to choose it";
	}

	/**
	 * Turns an application name into a valid lockspace name: characters outside
	 * {@code [A-Za-z0-9_-]} become {@code -}; a result longer than
	 * {@value DlmNames#MAX_LOCKSPACE_NAME_LENGTH} is cut and ends with a hash of the whole
	 * name, so two long names that share a prefix still get different lockspaces.
	 * @param applicationName the application name, or {@code null}
	 * @return a valid lockspace name
	 */
	static String fromApplicationName(@Nullable String applicationName) {
		if (applicationName == null || applicationName.isBlank()) {
			return FALLBACK;
		}
		String name = applicationName.strip().replaceAll("[^A-Za-z0-9_-]", "-");
		if (name.length() > DlmNames.MAX_LOCKSPACE_NAME_LENGTH) {
			CRC32 crc = new CRC32();
			crc.update(applicationName.strip().getBytes(StandardCharsets.UTF_8));
			String hash = HexFormat.of().toHexDigits((int) crc.getValue());
			int keep = DlmNames.MAX_LOCKSPACE_NAME_LENGTH - HASH_LENGTH - 1;
			name = name.substring(0, keep) + "-" + hash;
		}
		return DlmNames.checkLockspaceName(name);
	}

}
