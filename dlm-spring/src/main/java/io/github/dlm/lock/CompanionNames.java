package io.github.dlm.lock;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

import io.github.dlm.core.DlmNames;
import io.github.dlm.core.DlmResourceName;

/**
 * Names of the companion resources the starter keeps beside an application's resource,
 * such as the one whose value block holds its {@linkplain FencingTokens fencing tokens}, so
 * that the application keeps its own resource's value block.
 * <p>
 * A companion name starts with the byte {@code 0xFF}, which never occurs in UTF-8: no text
 * key, under either built-in key strategy, can name one. Then comes a letter for the kind
 * of companion and the resource's name when it fits in the 64 bytes, or the kind's letter
 * in lower case and 62 hex digits of the SHA-256 of the name when it does not.
 */
final class CompanionNames {

	/** First byte of every companion name, and of no UTF-8 text. */
	static final byte RESERVED = (byte) 0xFF;

	/** The kind of the fencing token companion. */
	static final char FENCING = 'F';

	private static final int HEADER = 2;

	private CompanionNames() {
	}

	/**
	 * The name of a resource's companion of one kind.
	 * @param kind an upper-case ASCII letter
	 * @param name the resource
	 * @return the companion's name
	 */
	static DlmResourceName companion(char kind, DlmResourceName name) {
		byte[] bytes = name.toBytes();
		if (bytes.length + HEADER <= DlmNames.MAX_RESOURCE_NAME_LENGTH) {
			byte[] companion = new byte[bytes.length + HEADER];
			companion[0] = RESERVED;
			companion[1] = (byte) kind;
			System.arraycopy(bytes, 0, companion, HEADER, bytes.length);
			return DlmResourceName.of(companion);
		}
		String hex = HexFormat.of().formatHex(sha256(bytes)).substring(0, DlmNames.MAX_RESOURCE_NAME_LENGTH - HEADER);
		byte[] companion = new byte[DlmNames.MAX_RESOURCE_NAME_LENGTH];
		companion[0] = RESERVED;
		companion[1] = (byte) Character.toLowerCase(kind);
		System.arraycopy(hex.getBytes(StandardCharsets.US_ASCII), 0, companion, HEADER, hex.length());
		return DlmResourceName.of(companion);
	}

	/**
	 * Whether a name is in the companions' reserved range.
	 * @param name resource name bytes
	 * @return {@code true} if it starts with {@code 0xFF}
	 */
	static boolean isReserved(byte[] name) {
		return name.length > 0 && name[0] == RESERVED;
	}

	private static byte[] sha256(byte[] bytes) {
		try {
			return MessageDigest.getInstance("SHA-256").digest(bytes);
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("SHA-256 is required by every Java platform but is missing", ex);
		}
	}

}
