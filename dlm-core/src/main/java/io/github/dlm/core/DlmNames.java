package io.github.dlm.core;

import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * Rules for lockspace and resource names, shared by every backend so that a name refused
 * by one is refused by all.
 */
public final class DlmNames {

	/** Longest resource name in bytes ({@code DLM_RESNAME_MAXLEN}). */
	public static final int MAX_RESOURCE_NAME_LENGTH = 64;

	/**
	 * Longest lockspace name we accept. The kernel takes 64 bytes, but the name becomes a
	 * misc device whose sysfs name is cut at 19 characters after {@code dlm_}; libdlm then
	 * falls back to a symlink path that is best avoided.
	 */
	public static final int MAX_LOCKSPACE_NAME_LENGTH = 19;

	private static final Pattern LOCKSPACE_NAME = Pattern.compile("[A-Za-z0-9_-]+");

	private DlmNames() {
	}

	/**
	 * Checks a lockspace name.
	 * @param name the name
	 * @return the name
	 * @throws IllegalArgumentException naming the rule broken
	 */
	public static String checkLockspaceName(String name) {
		if (name == null || name.isEmpty()) {
			throw new IllegalArgumentException("Lockspace name must not be null or empty");
		}
		if (name.length() > MAX_LOCKSPACE_NAME_LENGTH || !LOCKSPACE_NAME.matcher(name).matches()) {
			throw new IllegalArgumentException("Lockspace name '" + name + "' is invalid: use 1.."
					+ MAX_LOCKSPACE_NAME_LENGTH + " characters from [A-Za-z0-9_-] (it becomes the device /dev/misc/dlm_"
					+ name + ")");
		}
		return name;
	}

	/**
	 * Checks a value block.
	 * @param valueBlock the bytes
	 * @return the bytes
	 * @throws IllegalArgumentException if null or not exactly {@value DlmCompletion#VALUE_BLOCK_LENGTH} bytes
	 */
	public static byte[] checkValueBlock(byte @Nullable [] valueBlock) {
		if (valueBlock == null) {
			throw new IllegalArgumentException("A DLM lock value block must not be null: pass exactly "
					+ DlmCompletion.VALUE_BLOCK_LENGTH + " bytes (DLM_LVB_LEN), for example new byte["
					+ DlmCompletion.VALUE_BLOCK_LENGTH + "] to publish zeros");
		}
		if (valueBlock.length != DlmCompletion.VALUE_BLOCK_LENGTH) {
			throw new IllegalArgumentException("A DLM lock value block is exactly " + DlmCompletion.VALUE_BLOCK_LENGTH
					+ " bytes (DLM_LVB_LEN), not " + valueBlock.length);
		}
		return valueBlock;
	}

}
