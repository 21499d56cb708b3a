package io.github.dlm.lock;

/**
 * Maps lock keys to DLM resource names (1..64 bytes).
 * <p>
 * Both built-in strategies start from the same bytes of a key, chosen so that equal keys
 * name one resource (and so are one lock) and keys that cannot are refused:
 * <ul>
 * <li>a {@code byte[]} is the resource name itself (so {@code "orders".getBytes(UTF_8)}
 * and {@code "orders"} are one lock);</li>
 * <li>any other key is its text as UTF-8: {@code toString()}, except that arrays are
 * named by their elements, deeply ({@code [1, 2]}, {@code [a, [1, 2]]}), and
 * {@code Optional} and the JDK's collections by their elements too, sets and maps in the
 * order of the elements' text so that equal ones give one name;</li>
 * <li>a key whose class inherits {@code Object.toString()} (an identity string such as
 * {@code Order@1b6d3586}, different for equal objects), or whose text contains its own
 * identity string, or that contains such an object, is refused with an
 * {@link IllegalArgumentException} naming the type: override {@code toString()} or pass a
 * String key;</li>
 * <li>text with an unpaired surrogate, which has no UTF-8 form, is refused too. Text is
 * not Unicode-normalized: U+00E9 and U+0065 U+0301 (both "é") are different keys.</li>
 * </ul>
 * The default, {@link #utf8()}, uses those bytes and refuses keys that do not fit.
 * {@link #hashingLongKeys()} is an opt-in that replaces keys longer than 64 bytes with a
 * SHA-256 digest. Names are never truncated: truncation would make unrelated keys share
 * one lock.
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
	 * The default strategy: the key's bytes as described above (a {@code byte[]} itself,
	 * else its text as UTF-8); empty keys and keys longer than 64 bytes are refused with an
	 * {@link IllegalArgumentException}.
	 * @return the strategy
	 */
	static DlmKeyStrategy utf8() {
		return Utf8KeyStrategy.INSTANCE;
	}

	/**
	 * Like {@link #utf8()}, but keys longer than 64 bytes (and keys that start with the
	 * prefix, so that no plain key can collide with a digest) become
	 * {@code "sha256:"} followed by the first 57 hex digits of the SHA-256 of their bytes.
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
