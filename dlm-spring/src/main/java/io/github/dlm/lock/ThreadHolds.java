package io.github.dlm.lock;

import java.util.Arrays;

import org.jspecify.annotations.Nullable;

import io.github.dlm.core.DlmLockspace;
import io.github.dlm.core.DlmResourceName;

/**
 * The {@linkplain HeldLock holds} of one thread, across all lock objects and registries, found by
 * lockspace and resource: reentrancy belongs to the resource, not to a lock object, so a
 * thread re-entering through another object of the same key (after expiry, or from another
 * registry on the same lockspace) counts on the hold it has instead of waiting for itself.
 * A thread holds few locks at a time, so a small array searched from the most recent hold
 * beats a map: finding, adding and removing a hold touch no shared state. Used only by its
 * own thread.
 */
final class ThreadHolds {

	private static final ThreadLocal<ThreadHolds> CURRENT = ThreadLocal.withInitial(ThreadHolds::new);

	private @Nullable HeldLock[] holds = new HeldLock[4];

	private int size;

	private ThreadHolds() {
	}

	/**
	 * The holds of the current thread.
	 * @return the holds, never {@code null}
	 */
	static ThreadHolds current() {
		return CURRENT.get();
	}

	/**
	 * The hold of a resource.
	 * @param lockspace the lockspace handle
	 * @param resourceName the resource name
	 * @return its hold, or {@code null} if the thread does not hold the resource
	 */
	@Nullable HeldLock find(DlmLockspace lockspace, DlmResourceName resourceName) {
		for (int i = this.size - 1; i >= 0; i--) {
			HeldLock hold = this.holds[i];
			if (hold.lockspace == lockspace && hold.resourceName.equals(resourceName)) {
				return hold;
			}
		}
		return null;
	}

	void add(HeldLock hold) {
		if (this.size == this.holds.length) {
			this.holds = Arrays.copyOf(this.holds, this.size * 2);
		}
		this.holds[this.size++] = hold;
	}

	void remove(HeldLock hold) {
		for (int i = this.size - 1; i >= 0; i--) {
			if (this.holds[i] == hold) {
				System.arraycopy(this.holds, i + 1, this.holds, i, this.size - i - 1);
				this.holds[--this.size] = null;
				return;
			}
		}
	}

}
