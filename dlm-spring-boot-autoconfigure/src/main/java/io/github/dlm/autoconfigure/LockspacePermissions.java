package io.github.dlm.autoconfigure;

import com.fasterxml.jackson.annotation.JsonValue;

/**
 * The permission bits of a lockspace device, bound from {@code dlm.lockspace.permissions}.
 * <p>
 * A text value is always octal, like {@code chmod}: {@code "0600"}, {@code "600"} and
 * {@code "0o600"} all mean owner read and write. A number is what YAML hands over for an
 * unquoted mode, and YAML 1.1 reads a leading zero as octal: unquoted {@code 0600} arrives as
 * 384, but unquoted {@code 440} arrives as 440, which as bits would be {@code 0670}. So a
 * number is taken as the bits only when it cannot have been meant as an octal mode written
 * without a leading zero (its decimal digits include an 8 or a 9, as 384 does, or it is below
 * 8); any other number, such as 440 or 432 (unquoted {@code 0660}), is refused with a hint
 * to quote the mode. Shown in octal everywhere, Jackson (the actuator) included.
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
	 * @throws IllegalArgumentException if the bits exceed {@code 0777}, or if the number reads
	 * as an octal mode written without its leading zero (see the class description)
	 */
	public static LockspacePermissions valueOf(Integer bits) {
		String decimal = Integer.toString(bits);
		if (bits >= 8 && bits <= 0777 && decimal.chars().allMatch((c) -> c >= '0' && c <= '7')) {
			throw new IllegalArgumentException("Permission mode " + bits + " is ambiguous: it is the number YAML reads "
					+ "from an unquoted " + decimal + ", which as an octal mode is 0" + decimal + ", and from an unquoted "
					+ "0" + Integer.toOctalString(bits) + "; quote the mode in YAML, such as '0" + decimal + "' or '0"
					+ Integer.toOctalString(bits) + "'");
		}
		return new LockspacePermissions(bits);
	}

	/**
	 * The mode in octal with a leading zero, such as {@code 0600}.
	 * @return the octal text
	 */
	@Override
	@JsonValue
	public String toString() {
		return String.format("0%03o", this.bits);
	}

}
