package io.github.dlm.lock;

import java.nio.charset.StandardCharsets;

import io.github.dlm.core.DlmNames;

/**
 * {@link DlmKeyStrategy#utf8()}: {@code key.toString()} as UTF-8, refused when it does not
 * fit in a resource name.
 */
final class Utf8KeyStrategy implements DlmKeyStrategy {

	static final Utf8KeyStrategy INSTANCE = new Utf8KeyStrategy();

	private static final int MAX_SHOWN_KEY_LENGTH = 200;

	private Utf8KeyStrategy() {
	}

	@Override
	public byte[] toResourceName(Object key) {
		String text = key.toString();
		byte[] name = text.getBytes(StandardCharsets.UTF_8);
		if (name.length == 0) {
			throw new IllegalArgumentException("Lock key '' (" + key.getClass().getName()
					+ ") is empty; DLM resource names are 1.." + DlmNames.MAX_RESOURCE_NAME_LENGTH
					+ " bytes of UTF-8: use a non-empty key");
		}
		if (name.length > DlmNames.MAX_RESOURCE_NAME_LENGTH) {
			throw new IllegalArgumentException("Lock key '" + shown(text) + "' is " + name.length
					+ " bytes in UTF-8 but DLM resource names are limited to " + DlmNames.MAX_RESOURCE_NAME_LENGTH
					+ " bytes (DLM_RESNAME_MAXLEN): use a shorter key, or opt in to hashing long keys with "
					+ "DlmKeyStrategy.hashingLongKeys() (keys are never truncated, which would merge unrelated locks)");
		}
		return name;
	}

	static String shown(String text) {
		return (text.length() <= MAX_SHOWN_KEY_LENGTH) ? text : text.substring(0, MAX_SHOWN_KEY_LENGTH) + "...";
	}

	@Override
	public String toString() {
		return "DlmKeyStrategy.utf8()";
	}

}
