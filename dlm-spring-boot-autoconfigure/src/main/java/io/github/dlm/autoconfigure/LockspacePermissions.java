package io.github.dlm.autoconfigure;

/**
 * The permission bits of a lockspace device, bound from {@code dlm.lockspace.permissions}.
 * <p>
 * A text value is always octal, like {@code chmod}: {@code "0600"}, {@code "600"} and
 * {@code "0o600"} all mean owner read and write. A number is taken as the bits themselves:
 * that is what YAML hands over for an unquoted {@code 0600} (YAML 1.1 reads a leading zero
 * as octal, giving 384). An unquoted YAML {@code 600} is the decimal number 600, above
 * {@code 0777}, and is refused with a hint to write {@code 0600}.
 *
 * @param bits the permission bits, {@code 0} to {@code 0777}
 */
public record LockspacePermissions(int bits) {

	/** Owner read and write ({@code 0600}). */
	public static final LockspacePermissions OWNER_READ_WRITE = new LockspacePermissions(0600);

	/**
	 * Checks the range.
	 * @param bits the permission bits
	 */
	public LockspacePermissions {
		if (bits < 0 || bits > 0777) {
			throw new IllegalArgumentException("Permission bits must be octal 0..0777, but the number " + bits
					+ " is octal 0" + Integer.toOctalString(bits)
					+ "; write the mode in octal, such as 0600 or '0600' (quoted in YAML)");
		}
	}

	/**
	 * Parses an octal mode such as {@code "0600"}, {@code "600"} or {@code "0o600"}. Used by
	 * the binder for text values.
	 * @param text the mode in octal
	 * @return the permissions
	 * @throws IllegalArgumentException if the text is not octal or exceeds {@code 0777}
	 */
	public static LockspacePermissions valueOf(String text) {
		String digits = text.strip();
		if (digits.startsWith("0o") || digits.startsWith("0O")) {
			digits = digits.substring(2);
		}
		if (digits.isEmpty() || digits.length() > 4 || !digits.chars().allMatch((c) -> c >= '0' && c <= '7')) {
			throw new IllegalArgumentException("'" + text + "' is not an octal permission mode; write it like chmod, "
					+ "such as 0600 (owner read/write) or 0660 (owner and group)");
		}
		return new LockspacePermissions(Integer.parseInt(digits, 8));
	}

	/**
	 * The permissions with the given bits. Used by the binder for numeric values, such as
	 * YAML's unquoted {@code 0600}.
	 * @param bits the permission bits
	 * @return the permissions
	 * @throws IllegalArgumentException if the bits exceed {@code 0777}
	 */
	public static LockspacePermissions valueOf(Integer bits) {
		return new LockspacePermissions(bits);
	}

	/**
	 * The mode in octal with a leading zero, such as {@code 0600}.
	 * @return the octal text
	 */
	@Override
	public String toString() {
		return String.format("0%03o", this.bits);
	}

}
