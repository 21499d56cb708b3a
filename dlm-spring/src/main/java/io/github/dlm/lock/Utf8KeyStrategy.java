package io.github.dlm.lock;

import io.github.dlm.core.DlmNames;

/**
 * {@link DlmKeyStrategy#utf8()}: a key's {@linkplain KeyNames name bytes} (its text as
 * UTF-8, or a {@code byte[]} itself), refused when they do not fit in a resource name.
 */
final class Utf8KeyStrategy implements DlmKeyStrategy {

	static final Utf8KeyStrategy INSTANCE = new Utf8KeyStrategy();

	private Utf8KeyStrategy() {
	}

	@Override
	public byte[] toResourceName(Object key) {
		byte[] name = KeyNames.bytes(key);
		if (name.length == 0) {
			throw new IllegalArgumentException("Lock key " + KeyNames.describe(key, name) + " is empty; DLM resource "
					+ "names are 1.." + DlmNames.MAX_RESOURCE_NAME_LENGTH + " bytes: use a non-empty key");
		}
		if (name.length > DlmNames.MAX_RESOURCE_NAME_LENGTH) {
			throw new IllegalArgumentException("Lock key " + KeyNames.describe(key, name) + " is " + name.length
					+ " bytes long but DLM resource names are limited to " + DlmNames.MAX_RESOURCE_NAME_LENGTH
					+ " bytes (DLM_RESNAME_MAXLEN): use a shorter key, or opt in to hashing long keys: "
					+ "dlm.registry.key-strategy=hash-long-keys with Spring Boot, DlmKeyStrategy.hashingLongKeys() "
					+ "otherwise (keys are never truncated, which would merge unrelated locks)");
		}
		return name;
	}

	static String shown(String text) {
		return KeyNames.shown(text);
	}

	@Override
	public String toString() {
		return "DlmKeyStrategy.utf8()";
	}

}
