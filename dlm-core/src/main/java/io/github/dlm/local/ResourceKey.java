package io.github.dlm.local;

import java.util.Arrays;

import org.jspecify.annotations.Nullable;

/**
 * A resource name as the key of the engine's resource table: compared by content, with
 * its hash computed once when the lock handle is created rather than on every request and
 * unlock. The bytes are never changed.
 */
final class ResourceKey {

	final byte[] name;

	private final int hash;

	ResourceKey(byte[] name) {
		this.name = name;
		this.hash = Arrays.hashCode(name);
	}

	@Override
	public boolean equals(@Nullable Object other) {
		return this == other || (other instanceof ResourceKey key && this.hash == key.hash
				&& Arrays.equals(this.name, key.name));
	}

	@Override
	public int hashCode() {
		return this.hash;
	}

}
