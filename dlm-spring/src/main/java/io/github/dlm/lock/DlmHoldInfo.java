package io.github.dlm.lock;

import java.time.Duration;
import java.time.Instant;

import org.jspecify.annotations.Nullable;

import io.github.dlm.core.DlmMode;

/**
 * What one hold of a DLM lock looked like when it was read: a read-only snapshot, for logs,
 * health details and endpoints. Holds are listed by {@link DlmLockRegistry#getHolds()} and
 * {@link DlmLockRegistries#getHolds()}.
 * <p>
 * {@code blockingCallbacks} counts the blocking callbacks the lock manager sent to the hold
 * while it was held: at least one means some other request, in this process or anywhere in
 * the cluster, was blocked by it. It is not a count of waiters: the lock manager tells a
 * hold again only when a request for a stronger mode than any it already told it about is
 * blocked (so an EX hold hears of its first waiter and of none after), starting afresh
 * after each conversion of the hold, and it never says when a waiter gives up.
 *
 * @param key the key of the lock object the hold was acquired through, as shown in logs
 * (long keys shortened)
 * @param lockspace the name of the lockspace
 * @param resource the resource name, printable
 * @param mode the mode held when read
 * @param thread the name of the thread that owns the hold, or {@code null} for an
 * asynchronous hold ({@link DlmHold})
 * @param since when the hold was granted (the outermost acquisition for a thread that
 * re-entered)
 * @param heldFor how long it had been held when read, by the monotonic clock
 * @param blockingCallbacks how many blocking callbacks the hold received (see above)
 */
public record DlmHoldInfo(String key, String lockspace, String resource, DlmMode mode, @Nullable String thread,
		Instant since, Duration heldFor, int blockingCallbacks) {

	/**
	 * Whether the hold is an asynchronous one ({@link DlmHold}), owned by no thread.
	 * @return {@code true} if no thread owns it
	 */
	public boolean isAsync() {
		return this.thread == null;
	}

	/**
	 * Who owns the hold, for display.
	 * @return {@code thread 'name'}, or {@code async} for an asynchronous hold
	 */
	public String owner() {
		return (this.thread != null) ? "thread '" + this.thread + "'" : "async";
	}

	/**
	 * Whether a request of someone else was blocked by the hold while it was held.
	 * @return {@code true} if the hold received at least one blocking callback
	 */
	public boolean isBlockingOthers() {
		return this.blockingCallbacks > 0;
	}

}
