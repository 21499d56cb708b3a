package io.github.dlm.core;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;

import org.jspecify.annotations.Nullable;

/**
 * The name of a DLM resource: 1..{@value DlmNames#MAX_RESOURCE_NAME_LENGTH} bytes, binary-safe, checked once
 * when it is made and never changed afterwards, so every layer below can use it without
 * checking or copying it again. Compared by content; the hash is computed once.
 */
public final class DlmResourceName {

	private final byte[] bytes;

	private final int hash;

	private DlmResourceName(byte[] bytes) {
		this.bytes = bytes;
		this.hash = Arrays.hashCode(bytes);
	}

	/**
	 * The resource name of a text: its UTF-8 bytes.
	 * @param name the text
	 * @return the resource name
	 * @throws IllegalArgumentException if it is null or empty, or longer than
	 * {@value DlmNames#MAX_RESOURCE_NAME_LENGTH} bytes in UTF-8
	 */
	public static DlmResourceName of(@Nullable String name) {
		if (name == null) {
			throw new IllegalArgumentException("DLM resource name must not be null or empty");
		}
		return new DlmResourceName(check(name.getBytes(StandardCharsets.UTF_8)));
	}

	/**
	 * The resource name of some bytes.
	 * @param name the bytes; copied
	 * @return the resource name
	 * @throws IllegalArgumentException if they are null or empty, or more than
	 * {@value DlmNames#MAX_RESOURCE_NAME_LENGTH} bytes
	 */
	public static DlmResourceName of(byte @Nullable [] name) {
		if (name == null) {
			throw new IllegalArgumentException("DLM resource name must not be null or empty");
		}
		return new DlmResourceName(check(name.clone()));
	}

	private static byte[] check(byte[] name) {
		if (name.length == 0) {
			throw new IllegalArgumentException("DLM resource name must not be null or empty");
		}
		if (name.length > DlmNames.MAX_RESOURCE_NAME_LENGTH) {
			throw new IllegalArgumentException("DLM resource name is " + name.length + " bytes long; the limit is "
					+ DlmNames.MAX_RESOURCE_NAME_LENGTH + " bytes (DLM_RESNAME_MAXLEN)");
		}
		return name;
	}

	/**
	 * The name's bytes.
	 * @return a copy
	 */
	public byte[] toBytes() {
		return this.bytes.clone();
	}

	/**
	 * The name's length.
	 * @return 1..{@value DlmNames#MAX_RESOURCE_NAME_LENGTH} bytes
	 */
	public int length() {
		return this.bytes.length;
	}

	@Override
	public boolean equals(@Nullable Object other) {
		return this == other || (other instanceof DlmResourceName name && this.hash == name.hash
				&& Arrays.equals(this.bytes, name.bytes));
	}

	@Override
	public int hashCode() {
		return this.hash;
	}

	/**
	 * The name as messages show it.
	 * @return the name as text when it is valid UTF-8 without control characters, else
	 * {@code 0x} and its bytes in hex
	 */
	@Override
	public String toString() {
		return printable(this.bytes);
	}

	/**
	 * Bytes as messages show a resource name, for names not (yet) checked.
	 * @param name the bytes
	 * @return the bytes as text when they are valid UTF-8 without control characters, else
	 * {@code 0x} and hex
	 */
	public static String printable(byte[] name) {
		try {
			String text = StandardCharsets.UTF_8.newDecoder()
				.onMalformedInput(CodingErrorAction.REPORT)
				.onUnmappableCharacter(CodingErrorAction.REPORT)
				.decode(ByteBuffer.wrap(name))
				.toString();
			if (text.chars().noneMatch(Character::isISOControl)) {
				return text;
			}
		}
		catch (CharacterCodingException ex) {
			// not UTF-8: shown as hex
		}
		return "0x" + HexFormat.of().formatHex(name);
	}

}
