package io.github.dlm.lock;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;

import io.github.dlm.core.DlmNames;

/**
 * {@link DlmKeyStrategy#hashingLongKeys(String)}: a key's {@linkplain KeyNames name bytes}
 * when they fit, else (and when they start with the prefix) the prefix plus a hex SHA-256
 * digest of them.
 */
final class HashingKeyStrategy implements DlmKeyStrategy {

	static final String DEFAULT_PREFIX = "sha256:";

	private static final int MAX_PREFIX_LENGTH = 32;

	private final byte[] prefix;

	private final int hexDigits;

	HashingKeyStrategy(String prefix) {
		byte[] bytes = prefix.getBytes(StandardCharsets.UTF_8);
		if (bytes.length == 0 || bytes.length > MAX_PREFIX_LENGTH) {
			throw new IllegalArgumentException("Hashed lock key prefix '" + prefix + "' is " + bytes.length
					+ " bytes; use 1.." + MAX_PREFIX_LENGTH + " bytes so that at least 128 bits of the digest fit in "
					+ DlmNames.MAX_RESOURCE_NAME_LENGTH + " bytes");
		}
		this.prefix = bytes;
		this.hexDigits = DlmNames.MAX_RESOURCE_NAME_LENGTH - bytes.length;
	}

	@Override
	public byte[] toResourceName(Object key) {
		byte[] name = KeyNames.bytes(key);
		if (name.length == 0) {
			// refused with the same message as the plain strategy
			return Utf8KeyStrategy.INSTANCE.toResourceName(key);
		}
		if (name.length <= DlmNames.MAX_RESOURCE_NAME_LENGTH && !startsWithPrefix(name)) {
			return name;
		}
		String hex = HexFormat.of().formatHex(sha256(name)).substring(0, this.hexDigits);
		byte[] hashed = Arrays.copyOf(this.prefix, this.prefix.length + hex.length());
		System.arraycopy(hex.getBytes(StandardCharsets.US_ASCII), 0, hashed, this.prefix.length, hex.length());
		return hashed;
	}

	private boolean startsWithPrefix(byte[] name) {
		return name.length >= this.prefix.length
				&& Arrays.equals(name, 0, this.prefix.length, this.prefix, 0, this.prefix.length);
	}

	private static byte[] sha256(byte[] bytes) {
		try {
			return MessageDigest.getInstance("SHA-256").digest(bytes);
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("SHA-256 is required by every Java platform but is missing", ex);
		}
	}

	@Override
	public String toString() {
		return "DlmKeyStrategy.hashingLongKeys(\"" + new String(this.prefix, StandardCharsets.UTF_8) + "\")";
	}

}
