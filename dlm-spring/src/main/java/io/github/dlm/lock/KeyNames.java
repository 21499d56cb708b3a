package io.github.dlm.lock;

import java.lang.reflect.Array;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.jspecify.annotations.Nullable;

import io.github.dlm.core.DlmResourceName;

/**
 * The bytes that name a lock key's resource, before a {@link DlmKeyStrategy} checks their
 * length or hashes them. Equal keys give equal bytes, and keys whose text would depend on
 * their identity rather than their value are refused (two equal keys would name two
 * resources, and so be two locks):
 * <ul>
 * <li>{@code byte[]}: the bytes themselves;</li>
 * <li>any other array: {@code [e1, e2, ...]} with each element by these rules, so nested
 * arrays by their content too (a nested {@code byte[]} as its numbers, as
 * {@link java.util.Arrays#toString(byte[])} writes them);</li>
 * <li>{@link Optional} and the JDK's collections: their usual text with each element by
 * these rules; sets and maps with their elements (entries) in the order of their text, so
 * equal sets and maps give one text whatever order they iterate in;</li>
 * <li>any other object: its {@code toString()}, refused when the class inherits
 * {@link Object#toString()} (an identity string such as {@code Order@1b6d3586}) or when the
 * text contains such an identity string of the object itself.</li>
 * </ul>
 * Text is encoded as UTF-8, and text with an unpaired surrogate is refused: it has no UTF-8
 * form, and {@link String#getBytes} would turn every such character into {@code '?'},
 * merging different keys. Text is not Unicode-normalized: U+00E9 and U+0065 U+0301 (both
 * "é") are different keys, as they are different strings.
 */
final class KeyNames {

	private static final int MAX_DEPTH = 16;

	private static final int MAX_SHOWN_KEY_LENGTH = 200;

	private static final ClassValue<KeyType> TYPES = new ClassValue<>() {

		@Override
		protected KeyType computeValue(Class<?> type) {
			return KeyType.of(type);
		}

	};

	private KeyNames() {
	}

	/**
	 * The name bytes of a key, of any length.
	 * @param key the key
	 * @return the bytes, a new array
	 * @throws IllegalArgumentException if the key's text is an identity string or has no
	 * UTF-8 form
	 */
	static byte[] bytes(Object key) {
		if (key instanceof byte[] bytes) {
			return bytes.clone();
		}
		String text = (key instanceof String string) ? string : text(key);
		checkEncodable(text, key);
		return text.getBytes(StandardCharsets.UTF_8);
	}

	/**
	 * A key as error messages show it: its text (shortened when long) or, for a
	 * {@code byte[]}, its bytes, in quotes and followed by its type.
	 * @param key the key
	 * @param name the key's name bytes
	 * @return the key as shown
	 */
	static String describe(Object key, byte[] name) {
		String text = (key instanceof byte[]) ? DlmResourceName.printable(name)
				: new String(name, StandardCharsets.UTF_8);
		return "'" + shown(text) + "' (" + key.getClass().getTypeName() + ")";
	}

	static String shown(String text) {
		return (text.length() <= MAX_SHOWN_KEY_LENGTH) ? text : text.substring(0, MAX_SHOWN_KEY_LENGTH) + "...";
	}

	private static String text(Object key) {
		StringBuilder text = new StringBuilder();
		append(text, key, key, 0);
		return text.toString();
	}

	private static void append(StringBuilder text, @Nullable Object value, Object key, int depth) {
		if (value == null) {
			text.append("null");
			return;
		}
		if (value instanceof CharSequence chars) {
			text.append(chars);
			return;
		}
		if (depth > MAX_DEPTH) {
			throw new IllegalArgumentException("Lock key of type " + key.getClass().getName() + " nests arrays or "
					+ "collections more than " + MAX_DEPTH + " deep (does it contain itself?); use a String key");
		}
		KeyType type = TYPES.get(value.getClass());
		switch (type.kind) {
			case ARRAY -> appendArray(text, value, key, depth);
			case OPTIONAL -> appendOptional(text, (Optional<?>) value, key, depth);
			case SEQUENCE -> appendElements(text, (Collection<?>) value, key, depth, false);
			case SET -> appendElements(text, (Collection<?>) value, key, depth, true);
			case MAP -> appendEntries(text, (Map<?, ?>) value, key, depth);
			case IDENTITY -> throw identityString(value, key, "inherits Object.toString(), which gives an identity "
					+ "string such as " + value.getClass().getName() + "@1b6d3586");
			case TEXT -> appendText(text, value, type, key);
		}
	}

	private static void appendText(StringBuilder text, Object value, KeyType type, Object key) {
		String valueText = value.toString();
		if (valueText == null) {
			throw new IllegalArgumentException("Lock key of type " + key.getClass().getName() + ": toString() of its "
					+ value.getClass().getName() + " returned null; a lock key needs a text");
		}
		if (valueText.contains(type.identityPrefix)) {
			throw identityString(value, key, "has a toString() that includes its identity string ('" + shown(valueText)
					+ "')");
		}
		text.append(valueText);
	}

	private static void appendArray(StringBuilder text, Object array, Object key, int depth) {
		int length = Array.getLength(array);
		text.append('[');
		for (int i = 0; i < length; i++) {
			if (i > 0) {
				text.append(", ");
			}
			append(text, Array.get(array, i), key, depth + 1);
		}
		text.append(']');
	}

	private static void appendOptional(StringBuilder text, Optional<?> optional, Object key, int depth) {
		if (optional.isEmpty()) {
			text.append("Optional.empty");
			return;
		}
		text.append("Optional[");
		append(text, optional.get(), key, depth + 1);
		text.append(']');
	}

	private static void appendElements(StringBuilder text, Collection<?> elements, Object key, int depth,
			boolean sorted) {
		List<String> texts = new ArrayList<>(elements.size());
		for (Object element : elements) {
			texts.add(textOf(element, key, depth + 1));
		}
		if (sorted) {
			texts.sort(null);
		}
		text.append('[').append(String.join(", ", texts)).append(']');
	}

	private static void appendEntries(StringBuilder text, Map<?, ?> map, Object key, int depth) {
		List<String> texts = new ArrayList<>(map.size());
		for (Map.Entry<?, ?> entry : map.entrySet()) {
			texts.add(textOf(entry.getKey(), key, depth + 1) + "=" + textOf(entry.getValue(), key, depth + 1));
		}
		texts.sort(null);
		text.append('{').append(String.join(", ", texts)).append('}');
	}

	private static String textOf(@Nullable Object value, Object key, int depth) {
		StringBuilder text = new StringBuilder();
		append(text, value, key, depth);
		return text.toString();
	}

	private static IllegalArgumentException identityString(Object value, Object key, String problem) {
		String where = (value == key) ? "Lock key of type " + key.getClass().getName()
				: "Lock key of type " + key.getClass().getName() + " contains a " + value.getClass().getName() + " that";
		return new IllegalArgumentException(where + " " + problem + ": equal keys would name different DLM resources, "
				+ "so they would not exclude each other. Override toString() to return the key's value, or pass a "
				+ "String key (such as \"order:\" + id)");
	}

	/**
	 * Refuses text with an unpaired surrogate, which has no UTF-8 form.
	 */
	private static void checkEncodable(String text, Object key) {
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			if (Character.isSurrogate(c)) {
				if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
					i++;
					continue;
				}
				throw new IllegalArgumentException("Lock key of type " + key.getClass().getName() + " has an unpaired "
						+ "surrogate (\\u" + Integer.toHexString(c) + ") at index " + i + " of its text, which has no "
						+ "UTF-8 form; such characters would all become '?', merging different keys into one lock. "
						+ "Use text of whole characters");
			}
		}
	}

	/**
	 * How keys of one class become text, found once per class.
	 */
	private static final class KeyType {

		final Kind kind;

		/** The start of an identity string of this class: its name and '@'. */
		final String identityPrefix;

		private KeyType(Kind kind, Class<?> type) {
			this.kind = kind;
			this.identityPrefix = type.getName() + "@";
		}

		static KeyType of(Class<?> type) {
			return new KeyType(kind(type), type);
		}

		private static Kind kind(Class<?> type) {
			if (type.isArray()) {
				return Kind.ARRAY;
			}
			if (type == Optional.class) {
				return Kind.OPTIONAL;
			}
			Class<?> declaringClass = toStringDeclaringClass(type);
			if (declaringClass == Object.class) {
				return Kind.IDENTITY;
			}
			if (!declaringClass.getName().startsWith("java.")) {
				return Kind.TEXT;
			}
			if (Set.class.isAssignableFrom(type)) {
				return Kind.SET;
			}
			if (Map.class.isAssignableFrom(type)) {
				return Kind.MAP;
			}
			if (Collection.class.isAssignableFrom(type)) {
				return Kind.SEQUENCE;
			}
			return Kind.TEXT;
		}

		private static Class<?> toStringDeclaringClass(Class<?> type) {
			try {
				return type.getMethod("toString").getDeclaringClass();
			}
			catch (NoSuchMethodException ex) {
				throw new IllegalStateException("Every class has toString(), but " + type.getName() + " has not", ex);
			}
		}

	}

	private enum Kind {

		/** An array, named by its elements. */
		ARRAY,

		/** An {@code Optional}, named by its value. */
		OPTIONAL,

		/** A JDK collection that is not a set, named by its elements in order. */
		SEQUENCE,

		/** A JDK set, named by its elements in the order of their text. */
		SET,

		/** A JDK map, named by its entries in the order of their text. */
		MAP,

		/** A class that inherits {@code Object.toString()}: refused. */
		IDENTITY,

		/** Any other class: its {@code toString()}. */
		TEXT

	}

}
