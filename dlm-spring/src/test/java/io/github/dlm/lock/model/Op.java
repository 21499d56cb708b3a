package io.github.dlm.lock.model;

import io.github.dlm.core.DlmMode;

/**
 * One step of a thread's script. Steps are intentions, interpreted against what the thread
 * really holds when it gets there (a {@link Release} with nothing held does nothing, a
 * {@link Convert} applies to the innermost hold), so that any sub-sequence of a script is
 * again a valid script: that is what lets the {@link Shrinker} drop steps freely.
 */
sealed interface Op {

	/** How an acquisition or conversion waits. */
	enum How {

		/** {@code lock()} / {@code convert(mode)}: as long as it takes. */
		WAIT,

		/** {@code lockInterruptibly()}: as long as it takes unless interrupted. */
		INTERRUPTIBLY,

		/** {@code tryLock()} / {@code tryConvert(mode)}: a NOQUEUE request. */
		TRY,

		/** {@code tryLock(ms)} / {@code tryConvert(mode, ms)}. */
		TIMED;

		boolean unbounded() {
			return this == WAIT || this == INTERRUPTIBLY;
		}

	}

	/** How the lock object is found. */
	enum Via {

		/** {@code registry.obtain(key, mode)} now (a fresh object after an expiry). */
		OBTAIN,

		/** {@code registry.readWriteLock(key)}: PR read lock, EX write lock. */
		READ_WRITE,

		/** The object this thread obtained earlier for the same registry, key and mode, even if expired since. */
		KEPT

	}

	/** What a thread does with a lock it does not hold. */
	enum Misuse {

		UNLOCK, CONVERT, GET_VALUE, SET_VALUE

	}

	/**
	 * Acquire a lock: fresh, or re-entering a resource the thread already holds.
	 * @param registry index into the run's registries
	 * @param key index of the key
	 * @param mode the lock object's mode
	 * @param how how to wait
	 * @param millis the wait of {@link How#TIMED}
	 * @param via how the lock object is found
	 */
	record Acquire(int registry, int key, DlmMode mode, How how, int millis, Via via) implements Op {

		@Override
		public String toString() {
			String call = switch (this.how) {
				case WAIT -> "lock()";
				case INTERRUPTIBLY -> "lockInterruptibly()";
				case TRY -> "tryLock()";
				case TIMED -> "tryLock(" + this.millis + "ms)";
			};
			String object = switch (this.via) {
				case OBTAIN -> "R" + this.registry + ".obtain(k" + this.key + ", " + this.mode + ")";
				case READ_WRITE -> "R" + this.registry + ".readWriteLock(k" + this.key + ")."
						+ ((this.mode == DlmMode.PR) ? "readLock()" : "writeLock()");
				case KEPT -> "kept R" + this.registry + "(k" + this.key + ", " + this.mode + ")";
			};
			return object + "." + call;
		}

	}

	/** How an asynchronous hold is asked for. */
	enum AsyncHow {

		/** {@code lockAsync()}, then wait for the future. */
		WAIT,

		/** {@code tryLockAsync(millis)}, then wait for the future. */
		TRY,

		/** {@code lockAsync()}, then cancel the future at once. */
		CANCEL

	}

	/**
	 * Ask for an asynchronous hold, owned by no thread: the thread that asked keeps it in
	 * its script until it releases it, but any thread may release it.
	 */
	record AcquireAsync(int registry, int key, DlmMode mode, AsyncHow how, int millis) implements Op {

		@Override
		public String toString() {
			String object = "R" + this.registry + ".obtain(k" + this.key + ", " + this.mode + ").";
			return object + switch (this.how) {
				case WAIT -> "lockAsync()";
				case TRY -> "tryLockAsync(" + this.millis + "ms)";
				case CANCEL -> "lockAsync() cancelled at once";
			};
		}

	}

	/** Release the newest asynchronous hold of the thread's script, twice (idempotent). */
	record ReleaseAsync(boolean viaClose) implements Op {

		@Override
		public String toString() {
			return this.viaClose ? "close() newest async hold" : "release() newest async hold";
		}

	}

	/** Set the value block of the newest asynchronous hold, if held in PW or EX. */
	record SetValueAsync(int value) implements Op {

		@Override
		public String toString() {
			return "setValueBlock(" + this.value + ") newest async hold";
		}

	}

	/** Release the innermost hold. */
	record Release() implements Op {

		@Override
		public String toString() {
			return "unlock() innermost";
		}

	}

	/**
	 * Convert the innermost hold, if the thread holds its resource only once.
	 * @param mode the mode wanted
	 * @param how {@link How#WAIT}, {@link How#TRY} or {@link How#TIMED}
	 * @param millis the wait of {@link How#TIMED}
	 */
	record Convert(DlmMode mode, How how, int millis) implements Op {

		@Override
		public String toString() {
			return switch (this.how) {
				case TRY -> "tryConvert(" + this.mode + ") innermost";
				case TIMED -> "tryConvert(" + this.mode + ", " + this.millis + "ms) innermost";
				default -> "convert(" + this.mode + ") innermost";
			};
		}

	}

	/**
	 * Set the value block of the innermost hold, if held in PW or EX.
	 * @param value the byte the 32 bytes are filled with (never 0, so a lost value shows)
	 */
	record SetValue(int value) implements Op {

		@Override
		public String toString() {
			return "setValueBlock(" + this.value + ") innermost";
		}

	}

	/** Read the value block of the innermost hold. */
	record GetValue() implements Op {

		@Override
		public String toString() {
			return "getValueBlock() innermost";
		}

	}

	/** {@code registry.expireUnusedOlderThan(0)}. */
	record Expire(int registry) implements Op {

		@Override
		public String toString() {
			return "R" + this.registry + ".expireUnusedOlderThan(0)";
		}

	}

	/** {@code registry.close()}: releases its value block anchors; the registry stays usable. */
	record CloseRegistry(int registry) implements Op {

		@Override
		public String toString() {
			return "R" + this.registry + ".close()";
		}

	}

	/** Close the second process's lockspace handle while its threads may hold locks. */
	record CloseOtherProcess() implements Op {

		@Override
		public String toString() {
			return "close the other process's lockspace handle";
		}

	}

	/** Sleep a little, letting the other threads move on. */
	record Pause(int millis) implements Op {

		@Override
		public String toString() {
			return "sleep " + this.millis + "ms";
		}

	}

	/** Interrupt another thread of the run. */
	record Interrupt(int thread) implements Op {

		@Override
		public String toString() {
			return "interrupt T" + this.thread;
		}

	}

	/**
	 * Use a lock whose resource the thread does not hold: must throw
	 * {@link IllegalMonitorStateException}.
	 */
	record Misused(int registry, int key, DlmMode mode, Misuse misuse) implements Op {

		@Override
		public String toString() {
			return "R" + this.registry + ".obtain(k" + this.key + ", " + this.mode + ")." + switch (this.misuse) {
				case UNLOCK -> "unlock()";
				case CONVERT -> "convert(EX)";
				case GET_VALUE -> "getValueBlock()";
				case SET_VALUE -> "setValueBlock(..)";
			} + " not held";
		}

	}

}
