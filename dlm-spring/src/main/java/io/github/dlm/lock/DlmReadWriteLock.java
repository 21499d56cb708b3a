package io.github.dlm.lock;

import java.util.concurrent.locks.ReadWriteLock;

/**
 * A {@link ReadWriteLock} view of one key: the read lock is a {@link io.github.dlm.core.DlmMode#PR}
 * lock shared by any number of readers, the write lock an {@link io.github.dlm.core.DlmMode#EX}
 * lock. Unlike {@link java.util.concurrent.locks.ReentrantReadWriteLock}, a thread cannot hold
 * both at once; to go from one to the other, {@linkplain DlmLock#convert convert} the held lock.
 */
public final class DlmReadWriteLock implements ReadWriteLock {

	private final DlmLock readLock;

	private final DlmLock writeLock;

	DlmReadWriteLock(DlmLock readLock, DlmLock writeLock) {
		this.readLock = readLock;
		this.writeLock = writeLock;
	}

	/**
	 * The shared (PR) lock.
	 * @return the read lock
	 */
	@Override
	public DlmLock readLock() {
		return this.readLock;
	}

	/**
	 * The exclusive (EX) lock.
	 * @return the write lock
	 */
	@Override
	public DlmLock writeLock() {
		return this.writeLock;
	}

}
