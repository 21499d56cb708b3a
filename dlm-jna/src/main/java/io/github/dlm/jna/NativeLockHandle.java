package io.github.dlm.jna;

import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

import com.sun.jna.Native;
import com.sun.jna.Pointer;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import io.github.dlm.core.DlmBlockingListener;
import io.github.dlm.core.DlmCompletion;
import io.github.dlm.core.DlmErrors;
import io.github.dlm.core.DlmException;
import io.github.dlm.core.DlmFlag;
import io.github.dlm.core.DlmLockHandle;
import io.github.dlm.core.DlmLockspace;
import io.github.dlm.core.DlmMode;
import io.github.dlm.core.DlmNames;
import io.github.dlm.core.DlmRequestRules;
import io.github.dlm.core.DlmResourceName;
import io.github.dlm.core.DlmStatus;
import io.github.dlm.core.DlmStatusFlag;
import io.github.dlm.core.Errno;

/**
 * One libdlm lock ({@code lkid}) of a {@link NativeLockspace}.
 * <p>
 * <b>State.</b> At most one operation is in flight ({@code pending}): a new request, a
 * conversion or an unlock. Its kind decides how the next completion is read, because the
 * kernel calls the lock's one AST function for all of them and a cancel's outcome arrives
 * as the completion of the request it cancelled. State is guarded by a per-handle {@link ReentrantLock}
 * (not {@code synchronized}, so virtual threads do not pin); futures are completed after
 * that lock is released, so dependent actions may call this handle again.
 * <p>
 * <b>Native memory.</b> None between calls: each call borrows a {@link DlmLksb} (status
 * block, value block buffer, unlock request) from the lockspace's
 * {@link DlmRequestBuffers} and gives it back before returning, because libdlm uses the
 * status block only inside the call and completions are read from the descriptor by the
 * {@link DlmDispatcher}, not copied into the block. From the first request to the lock's
 * final completion (unlock, or a new request refused, cancelled or deadlock-cancelled), or
 * until {@link NativeLockspace#close()} ended it, the handle is registered in
 * {@link NativeCallbacks} under a token passed as {@code astarg}, by which results are
 * routed back to it.
 * <p>
 * <b>Value block on unlock.</b> libdlm's {@code dlm_ls_unlock} sends 32 bytes of
 * uninitialised stack memory as the value block, and the kernel writes them to the
 * resource when a lock last requested with {@code LKF_VALBLK} is unlocked from PW or EX. So
 * unlocks do not go through libdlm: the handle writes its own {@link DlmUnlockRequest} to
 * the lockspace descriptor, carrying this lock's value block (the {@code valueBlock} given
 * to {@link #unlock}, or what it last read or wrote). One request both publishes the value
 * and ends the lock, and its completion comes back through {@code dlm_dispatch} like any
 * other. Cancels still use {@code dlm_ls_unlock}: a cancel never writes a value block.
 * <p>
 * <b>Futures.</b> Every operation's future is a {@link NativeCompletionFuture}: a thread
 * that waits on it reads the lockspace's completions itself while nobody else does.
 * <p>
 * <b>Cancel.</b> {@link #cancel()} sends {@code dlm_ls_unlock(lkid, LKF_CANCEL)}. The
 * request then completes with {@code ECANCEL}, or with its grant when the grant won the
 * race; the kernel answers a cancel that finds nothing to cancel with success and no
 * completion, which is fine because the request's own completion is then already queued.
 */
final class NativeLockHandle implements DlmLockHandle {

	private static final Log logger = LogFactory.getLog(NativeLockHandle.class);

	private final NativeLockspace lockspace;

	private final DlmResourceName resourceName;

	/** The name's bytes, copied once for every request's {@code dlm_ls_lock}. */
	private final byte[] nameBytes;

	private final @Nullable DlmBlockingListener blockingListener;

	private final ReentrantLock lock = new ReentrantLock();

	private boolean attached;

	private long token;

	private int lkid;

	private @Nullable DlmMode granted;

	/** Written under {@link #lock}; read without it by {@link #pendingOnlyAwaited()}. */
	private volatile @Nullable Operation pending;

	private boolean ended;

	private boolean lastRequestHadValueBlock;

	private byte[] valueBlock = new byte[DlmCompletion.VALUE_BLOCK_LENGTH];

	NativeLockHandle(NativeLockspace lockspace, DlmResourceName resourceName,
			@Nullable DlmBlockingListener blockingListener) {
		this.lockspace = lockspace;
		this.resourceName = resourceName;
		this.nameBytes = resourceName.toBytes();
		this.blockingListener = blockingListener;
	}

	@Override
	public DlmResourceName resourceName() {
		return this.resourceName;
	}

	@Override
	public DlmLockspace lockspace() {
		return this.lockspace;
	}

	@Override
	public CompletableFuture<DlmCompletion> request(DlmMode mode, Set<DlmFlag> flags, byte @Nullable [] valueBlock) {
		DlmRequestRules.checkArguments(mode, flags, valueBlock);
		this.lock.lock();
		try {
			checkUsable("request " + mode);
			boolean conversion = this.granted != null;
			DlmRequestRules.check(mode, flags, this.granted, this.resourceName);
			this.lockspace.checkOpen();
			if (!conversion) {
				attach();
			}
			if (valueBlock != null) {
				this.valueBlock = valueBlock.clone();
			}
			boolean writeValueBlock = valueBlock != null || flags.contains(DlmFlag.VALBLK);
			int bits = DlmFlag.toBits(flags) | (conversion ? LibDlm.LKF_CONVERT : 0);
			Operation operation = new Operation(conversion ? Kind.CONVERT : Kind.REQUEST, mode, bits, this.granted,
					this.lockspace.dispatcher());
			DlmMode before = this.granted;
			DlmLksb lksb = this.lockspace.buffers().acquire();
			try {
				lksb.prepare(conversion ? this.lkid : 0);
				if (writeValueBlock) {
					// Always this lock's value: what the kernel hands back with a completion is
					// not necessarily it (the kernel overwrites its copy of the lock's value
					// block with the 32 bytes of every conversion request, which libdlm leaves
					// zero without VALBLK; found by LocalFidelityClusterIT).
					lksb.writeValueBlock(this.valueBlock);
				}
				send(operation, () -> (conversion ? "convert " + before + " to " : "lock ") + mode,
						() -> LibDlmDirect.dlm_ls_lock(this.lockspace.handle(), mode.nativeValue(), lksb.address(),
								bits, this.nameBytes, this.nameBytes.length, 0, NativeCallbacks.AST,
								NativeCallbacks.argument(this.token), bast(), null));
				if (!conversion) {
					this.lkid = lksb.readLkid();
				}
			}
			finally {
				this.lockspace.buffers().release(lksb);
			}
			this.lastRequestHadValueBlock = flags.contains(DlmFlag.VALBLK);
			return operation.future;
		}
		catch (RuntimeException ex) {
			if (this.lkid == 0) {
				detach();
			}
			throw ex;
		}
		finally {
			this.lock.unlock();
		}
	}

	@Override
	public CompletableFuture<DlmCompletion> unlock(byte @Nullable [] valueBlock) {
		if (valueBlock != null) {
			DlmNames.checkValueBlock(valueBlock);
		}
		this.lock.lock();
		try {
			checkUsable("unlock");
			DlmMode mode = this.granted;
			if (mode == null) {
				throw new IllegalStateException("Cannot unlock " + this + ": it is not granted");
			}
			if (valueBlock != null) {
				this.valueBlock = valueBlock.clone();
			}
			Operation operation = new Operation(Kind.UNLOCK, mode, 0, mode, this.lockspace.dispatcher());
			sendUnlock(operation);
			return operation.future;
		}
		finally {
			this.lock.unlock();
		}
	}

	@Override
	public boolean cancel() {
		this.lock.lock();
		try {
			Operation operation = this.pending;
			if (operation == null || operation.cancelSent
					|| (operation.kind != Kind.REQUEST && operation.kind != Kind.CONVERT)) {
				return false;
			}
			// A buffer of its own: the status block libdlm writes EINPROG into is not one a
			// completion is read from (results come from the descriptor), so no race with it.
			DlmLksb lksb = this.lockspace.buffers().acquire();
			int errno = 0;
			try {
				lksb.prepare(this.lkid);
				if (this.lockspace.libDlm().dlm_ls_unlock(this.lockspace.handle(), this.lkid, LibDlm.LKF_CANCEL,
						lksb.address(), NativeCallbacks.argument(this.token)) != 0) {
					errno = Native.getLastError();
				}
			}
			finally {
				this.lockspace.buffers().release(lksb);
			}
			if (errno != 0) {
				// ENOENT: the request already ended and its completion is queued; it will arrive.
				if (logger.isDebugEnabled()) {
					logger.debug("Cancel of " + this + " was refused with " + Errno.name(errno)
							+ "; its completion is on its way");
				}
				return false;
			}
			operation.cancelSent = true;
			return true;
		}
		finally {
			this.lock.unlock();
		}
	}

	@Override
	public @Nullable DlmMode grantedMode() {
		this.lock.lock();
		try {
			return this.granted;
		}
		finally {
			this.lock.unlock();
		}
	}

	@Override
	public boolean isEnded() {
		this.lock.lock();
		try {
			return this.ended;
		}
		finally {
			this.lock.unlock();
		}
	}

	@Override
	public byte[] valueBlock() {
		this.lock.lock();
		try {
			return this.valueBlock.clone();
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * Whether an operation is in flight.
	 * @return {@code true} until its completion arrives
	 */
	boolean isBusy() {
		this.lock.lock();
		try {
			return this.pending != null;
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * Whether unlocking now would write the value block to the resource: held in PW or EX
	 * and last requested with VALBLK.
	 * @return {@code true} if so
	 */
	boolean unlockWritesValueBlock() {
		this.lock.lock();
		try {
			return this.lastRequestHadValueBlock && this.granted != null && this.granted.writesValueBlock();
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * The future of the operation in flight.
	 * @return the future, or {@code null} if idle
	 */
	@Nullable CompletableFuture<DlmCompletion> pendingFuture() {
		this.lock.lock();
		try {
			return (this.pending != null) ? this.pending.future : null;
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * Whether the operation in flight has a thread waiting for its future and nothing else
	 * depending on it (see {@link NativeCompletionFuture#onlyAwaited()}).
	 * @return {@code true} if so
	 */
	boolean pendingOnlyAwaited() {
		Operation operation = this.pending;
		return operation != null && operation.future.onlyAwaited();
	}

	/**
	 * Delivers a completion read from the lockspace descriptor.
	 * @param result the result
	 */
	void onCompletion(DlmLockResult result) {
		Runnable completion;
		this.lock.lock();
		try {
			Operation operation = this.pending;
			if (operation == null || !this.attached) {
				logger.warn("Ignoring a DLM completion for " + this + " which has no operation in flight");
				return;
			}
			int status = result.status();
			Set<DlmStatusFlag> flags = DlmStatusFlag.fromBits(result.flags());
			completion = switch (operation.kind) {
				case REQUEST, CONVERT -> requestCompleted(operation, status, flags, result);
				case UNLOCK -> unlockCompleted(operation, status, flags);
			};
		}
		finally {
			this.lock.unlock();
		}
		completion.run();
	}

	/**
	 * Delivers a blocking callback read from the lockspace descriptor, on the dispatcher thread.
	 */
	void onBlocking() {
		DlmBlockingListener listener = this.blockingListener;
		if (listener != null && !isEnded()) {
			listener.blocking(this);
		}
	}

	/**
	 * Ends the handle without a completion, after its lockspace descriptor was closed (the
	 * kernel then released the lock) and its dispatcher stopped, so its memory can be freed.
	 * @param reason the message for an operation still in flight
	 */
	void abandon(String reason) {
		Operation operation;
		this.lock.lock();
		try {
			if (this.ended) {
				return;
			}
			operation = this.pending;
			end();
		}
		finally {
			this.lock.unlock();
		}
		if (operation != null) {
			operation.future.completeExceptionally(new DlmException(reason, 0));
		}
	}

	private Runnable requestCompleted(Operation operation, int status, Set<DlmStatusFlag> flags,
			DlmLockResult result) {
		this.pending = null;
		if (status == 0) {
			DlmMode mode = operation.mode;
			if (flags.contains(DlmStatusFlag.ALTMODE)) {
				// the kernel's choice in can_be_granted: PR if asked with ALTPR for another mode
				// than PR, else CW (ALTPR and ALTCW on a request for PR gives CW)
				mode = ((operation.bits & LibDlm.LKF_ALTPR) != 0 && operation.mode != DlmMode.PR) ? DlmMode.PR
						: DlmMode.CW;
			}
			DlmMode before = flags.contains(DlmStatusFlag.DEMOTED) ? DlmMode.NL : operation.grantedBefore;
			byte[] read = null;
			if ((operation.bits & LibDlm.LKF_VALBLK) != 0 && readsValueBlock(before, mode)) {
				// the kernel sends the resource's value block along; without one, libdlm's
				// status block would have kept the bytes the request carried: this lock's
				byte[] sent = result.valueBlock();
				read = (sent != null) ? sent : this.valueBlock.clone();
				this.valueBlock = read.clone();
			}
			this.granted = mode;
			DlmCompletion completion = new DlmCompletion(DlmStatus.GRANTED, mode, flags, read);
			return () -> operation.future.complete(completion);
		}
		DlmStatus failed = DlmLksb.statusOf(status);
		if (operation.kind == Kind.REQUEST) {
			end();
		}
		else if (flags.contains(DlmStatusFlag.DEMOTED)) {
			this.granted = DlmMode.NL;
		}
		if (failed == null || failed == DlmStatus.UNLOCKED) {
			DlmException error = (status == LibDlm.EINPROG) ? new DlmException("DLM completion of " + operation.mode
					+ " for " + this + " carried no result (EINPROG): the lock status block was overwritten; report "
					+ "this as a bug", status) : DlmErrors.toException(status, "lock " + operation.mode,
							this.lockspace.name(), this.resourceName);
			return () -> operation.future.completeExceptionally(error);
		}
		DlmCompletion completion = new DlmCompletion(failed, this.granted, flags, null);
		return () -> operation.future.complete(completion);
	}

	private Runnable unlockCompleted(Operation operation, int status, Set<DlmStatusFlag> flags) {
		if (status == LibDlm.EUNLOCK) {
			end();
			DlmCompletion completion = new DlmCompletion(DlmStatus.UNLOCKED, null, flags, null);
			return () -> operation.future.complete(completion);
		}
		this.pending = null;
		DlmException error = DlmErrors.toException(status, "unlock", this.lockspace.name(), this.resourceName);
		return () -> operation.future.completeExceptionally(error);
	}

	private void sendUnlock(Operation operation) {
		DlmLksb lksb = this.lockspace.buffers().acquire();
		try {
			Pointer request = lksb.prepareUnlock(this.lkid, NativeCallbacks.argument(this.token), this.valueBlock);
			int fd = this.lockspace.fd();
			send(operation, () -> "unlock", () -> (LibC.write(fd, request, DlmUnlockRequest.SIZE) < 0) ? -1 : 0);
		}
		finally {
			this.lockspace.buffers().release(lksb);
		}
	}

	/**
	 * Makes an operation the pending one and sends it; on refusal restores the idle state
	 * and throws. Called with the handle lock held.
	 */
	private void send(Operation operation, Supplier<String> what, NativeCall call) {
		this.pending = operation;
		int result = call.invoke();
		if (result != 0) {
			int errno = Native.getLastError();
			this.pending = null;
			throw DlmErrors.toException(errno, what.get(), this.lockspace.name(), this.resourceName);
		}
	}

	private LibDlm.@Nullable AstCallback bast() {
		return (this.blockingListener != null) ? NativeCallbacks.BAST : null;
	}

	private void checkUsable(String what) {
		if (this.ended) {
			throw new IllegalStateException("Cannot " + what + " " + this + ": the lock has ended; create a new one");
		}
		Operation operation = this.pending;
		if (operation != null) {
			throw new IllegalStateException("Cannot " + what + " " + this + " while its " + operation.describe()
					+ " is in flight; wait for it or cancel it first");
		}
	}

	private void attach() {
		if (!this.attached) {
			this.attached = true;
			this.token = NativeCallbacks.register(this);
			this.lockspace.track(this);
		}
	}

	private void detach() {
		if (this.attached) {
			this.attached = false;
			NativeCallbacks.unregister(this.token);
			this.lockspace.untrack(this);
			this.token = 0;
		}
	}

	private void end() {
		this.ended = true;
		this.granted = null;
		this.pending = null;
		detach();
	}

	/**
	 * Whether a grant from {@code before} (null for a new lock) to {@code after} reads the
	 * resource's value block, as the kernel's {@code dlm_lvb_operations} table says: a new
	 * lock, any conversion from NL, a conversion from CR, CW or PR to the same or a higher
	 * mode, and PW to EX. From EX and from PW to anything but EX the grant writes it; from
	 * CR, CW or PR down (CR to NL, CW to NL or CR, PR to NL, CR or CW) it does neither, and
	 * the status block then only hands back the caller's own buffer, which is not a read
	 * (found by {@code LocalFidelityClusterIT}: the completion reported it as one).
	 */
	static boolean readsValueBlock(@Nullable DlmMode before, DlmMode after) {
		if (before == null) {
			return true;
		}
		return switch (before) {
			case NL -> true;
			case CR, CW, PR -> after.nativeValue() >= before.nativeValue();
			case PW -> after == DlmMode.EX;
			case EX -> false;
		};
	}

	@Override
	public String toString() {
		return "lock '" + this.resourceName + "' in lockspace '" + this.lockspace.name() + "'"
				+ ((this.lkid != 0) ? " (lkid " + Integer.toUnsignedString(this.lkid, 16) + ")" : "");
	}

	@FunctionalInterface
	private interface NativeCall {

		int invoke();

	}

	private enum Kind {

		REQUEST, CONVERT, UNLOCK

	}

	private static final class Operation {

		final Kind kind;

		final DlmMode mode;

		final int bits;

		final @Nullable DlmMode grantedBefore;

		final NativeCompletionFuture future;

		boolean cancelSent;

		Operation(Kind kind, DlmMode mode, int bits, @Nullable DlmMode grantedBefore, DlmDispatcher dispatcher) {
			this.kind = kind;
			this.mode = mode;
			this.bits = bits;
			this.grantedBefore = grantedBefore;
			this.future = new NativeCompletionFuture(dispatcher);
		}

		String describe() {
			return switch (this.kind) {
				case REQUEST -> "request for " + this.mode;
				case CONVERT -> "conversion to " + this.mode;
				case UNLOCK -> "unlock";
			};
		}

	}

}
