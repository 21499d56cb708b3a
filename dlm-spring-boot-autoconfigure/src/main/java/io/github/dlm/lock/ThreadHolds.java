package io.github.dlm.lock;

import java.util.Arrays;

import org.jspecify.annotations.Nullable;

/**
 * The {@link DlmLock} holds of one thread, across all lock objects and registries. A
 * thread holds few locks at a time, so a small array searched from the most recent hold
 * beats a map: finding the hold of a lock, adding and removing one touch no shared state.
 * Used only by its own thread.
 */
final class ThreadHolds {

	private static final ThreadLocal<ThreadHolds> CURRENT = ThreadLocal.withInitial(ThreadHolds::new);

	private DlmLock.@Nullable Hold[] holds = new DlmLock.Hold[4];

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
	 * The hold of a lock object.
	 * @param lock the lock object
	 * @return its hold, or {@code null} if the thread does not hold it
	 */
	DlmLock.@Nullable Hold find(DlmLock lock) {
		for (int i = this.size - 1; i >= 0; i--) {
			if (this.holds[i].lock == lock) {
				return this.holds[i];
			}
		}
		return null;
	}

	/**
	 * A hold of the same registry and resource as the given lock object, in another mode.
	 * @param lock the lock object about to be acquired
	 * @return such a hold, or {@code null} if there is none
	 */
	DlmLock.@Nullable Hold findOtherMode(DlmLock lock) {
		for (int i = this.size - 1; i >= 0; i--) {
			DlmLock other = this.holds[i].lock;
			if (other != lock && other.getRegistry() == lock.getRegistry() && other.mode() != lock.mode()
					&& other.nameKey().equals(lock.nameKey())) {
				return this.holds[i];
			}
		}
		return null;
	}

	boolean isEmpty() {
		return this.size == 0;
	}

	void add(DlmLock.Hold hold) {
		if (this.size == this.holds.length) {
			this.holds = Arrays.copyOf(this.holds, this.size * 2);
		}
		this.holds[this.size++] = hold;
	}

	void remove(DlmLock.Hold hold) {
		for (int i = this.size - 1; i >= 0; i--) {
			if (this.holds[i] == hold) {
				System.arraycopy(this.holds, i + 1, this.holds, i, this.size - i - 1);
				this.holds[--this.size] = null;
				return;
			}
		}
	}

}
