package io.github.dlm.core;

import java.util.Set;
import java.util.concurrent.CompletableFuture;

import org.jspecify.annotations.Nullable;

/**
 * One lock of this process on one resource: the object behind a lock id ({@code lkid}).
 * <p>
 * Its life: a first {@link #request} creates the lock; later requests convert it; an
 * {@link #unlock} ends it (as does a refused or cancelled first request), after which the
 * handle cannot be used again. At most one request, conversion or unlock is in flight at a
 * time; {@link #cancel()} may be called while one is.
 * <p>
 * Every operation returns a future completed when its completion callback (AST) arrives.
 * Callbacks are delivered one at a time and in order: the completions and blocking
 * callbacks of the locks of one {@link DlmLockspace} handle arrive in the order the lock
 * manager produced them, so in particular a lock's completions arrive in the order of its
 * operations, and never while an earlier callback of that lockspace handle still runs.
 * <ul>
 * <li>A completion already known when {@link #request request} or {@link #unlock unlock}
 * returns (granted at once, refused because of {@link DlmFlag#NOQUEUE}, a conversion
 * deadlock, or unlocked) may complete the future on the calling thread before the call
 * returns, if no earlier callback is queued or running; the future is then returned
 * already done, and dependent actions attached to it run on the thread that attaches
 * them. A backend may also deliver such completions on its dispatcher thread.</li>
 * <li>All other completions (a waiting request or conversion granted later, cancellations,
 * requests ended by closing the lockspace) and all {@linkplain DlmBlockingListener
 * blocking callbacks} are delivered on the backend's dispatcher thread. Dependent actions
 * attached without an executor to a future not yet done run on that thread and must not
 * block; they may call the backend again (request, unlock, cancel, close) without
 * deadlock, since callbacks never run under the lock manager's internal locks, but a
 * future whose completion has to come through the same dispatcher completes only after
 * the running callback returns.</li>
 * </ul>
 * <p>
 * The lock owns a 32-byte value block buffer, like the kernel's {@code sb_lvbptr}: requests
 * with {@link DlmFlag#VALBLK} that read (grants and up-conversions) fill it, requests that
 * write (conversions from PW/EX) publish it.
 */
public interface DlmLockHandle {

	/**
	 * The resource this lock is on.
	 * @return the resource name
	 */
	DlmResourceName resourceName();

	/**
	 * The lockspace this lock belongs to.
	 * @return the lockspace
	 */
	DlmLockspace lockspace();

	/**
	 * Requests the lock in a mode: a new request the first time, a conversion afterwards.
	 * @param mode the mode wanted
	 * @param flags request flags
	 * @param valueBlock with {@link DlmFlag#VALBLK}: the 32 bytes to store in this lock's
	 * value block buffer before the request is sent (published if the request is a
	 * conversion from PW or EX); {@code null} keeps the buffer as it is
	 * @return the completion: {@link DlmStatus#GRANTED}, {@link DlmStatus#NOT_GRANTED}
	 * (NOQUEUE), {@link DlmStatus#DEADLOCK} (conversion deadlock) or
	 * {@link DlmStatus#CANCELLED}
	 * @throws IllegalArgumentException if the value block is not 32 bytes or is passed
	 * without {@link DlmFlag#VALBLK}, or the flags are not valid together
	 * @throws IllegalStateException if another operation is in flight or the lock has ended
	 * @throws DlmException if the lock manager refused the request outright
	 */
	CompletableFuture<DlmCompletion> request(DlmMode mode, Set<DlmFlag> flags, byte @Nullable [] valueBlock);

	/**
	 * Releases the granted lock, ending it.
	 * @param valueBlock if the lock is held in PW or EX and was last requested with
	 * {@link DlmFlag#VALBLK}: the 32 bytes to publish as the resource's value block;
	 * {@code null} publishes the lock's buffer as it is (what it last read or wrote)
	 * @return the completion, {@link DlmStatus#UNLOCKED}
	 * @throws IllegalStateException if a request is still in flight (cancel it first) or
	 * the lock is not granted
	 * @throws DlmException if the lock manager refused the unlock
	 */
	CompletableFuture<DlmCompletion> unlock(byte @Nullable [] valueBlock);

	/**
	 * Cancels the request or conversion in flight. Its future then completes with
	 * {@link DlmStatus#CANCELLED} or, when the grant won the race, with
	 * {@link DlmStatus#GRANTED}; the caller must unlock in that case.
	 * @return {@code true} if a request was in flight and a cancel was sent
	 */
	boolean cancel();

	/**
	 * The mode the lock is granted in right now.
	 * @return the granted mode, or {@code null} if none
	 */
	@Nullable DlmMode grantedMode();

	/**
	 * Whether the lock has ended (unlocked, or its first request was refused or cancelled).
	 * @return {@code true} if this handle can no longer be used
	 */
	boolean isEnded();

	/**
	 * A copy of this lock's value block buffer.
	 * @return 32 bytes
	 */
	byte[] valueBlock();

}
