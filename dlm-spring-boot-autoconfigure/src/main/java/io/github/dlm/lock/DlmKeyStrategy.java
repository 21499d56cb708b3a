package io.github.dlm.lock;

/**
 * Maps lock keys to DLM resource names (1..64 bytes).
 * <p>
 * The default, {@link #utf8()}, uses {@code key.toString()} encoded as UTF-8 and refuses
 * keys that do not fit. {@link #hashingLongKeys()} is an opt-in that replaces keys longer
 * than 64 bytes with a SHA-256 digest. Names are never truncated: truncation would make
 * unrelated keys share one lock.
 */
@FunctionalInterface
public interface DlmKeyStrategy {

	/**
	 * The resource name for a key.
	 * @param key the key, never {@code null}
	 * @return the resource name bytes, 1..64 of them
	 * @throws IllegalArgumentException if the key cannot be mapped, naming the key and the rule
	 */
	byte[] toResourceName(Object key);

	/**
	 * The default strategy: {@code key.toString()} as UTF-8; empty keys and keys longer
	 * than 64 bytes are refused with an {@link IllegalArgumentException}.
	 * @return the strategy
	 */
	static DlmKeyStrategy utf8() {
		return Utf8KeyStrategy.INSTANCE;
	}

	/**
	 * Like {@link #utf8()}, but keys longer than 64 bytes (and keys that start with the
	 * prefix, so that no plain key can collide with a digest) become
	 * {@code "sha256:"} followed by the first 57 hex digits of the SHA-256 of their UTF-8
	 * bytes.
	 * @return the strategy
	 */
	static DlmKeyStrategy hashingLongKeys() {
		return new HashingKeyStrategy(HashingKeyStrategy.DEFAULT_PREFIX);
	}

	/**
	 * Like {@link #hashingLongKeys()} with another prefix.
	 * @param prefix 1..32 bytes (UTF-8) put before the hex digest; the digest fills the rest
	 * of the 64 bytes
	 * @return the strategy
	 * @throws IllegalArgumentException if the prefix is empty or longer than 32 bytes
	 */
	static DlmKeyStrategy hashingLongKeys(String prefix) {
		return new HashingKeyStrategy(prefix);
	}

}
