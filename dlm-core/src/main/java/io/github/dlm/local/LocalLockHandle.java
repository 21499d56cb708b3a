package io.github.dlm.local;

import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import io.github.dlm.core.DlmBlockingListener;
import io.github.dlm.core.DlmCompletion;
import io.github.dlm.core.DlmFlag;
import io.github.dlm.core.DlmLockHandle;
import io.github.dlm.core.DlmMode;
import io.github.dlm.core.DlmNames;
import io.github.dlm.core.DlmRequestRules;
import io.github.dlm.core.DlmResourceName;
import org.jspecify.annotations.Nullable;

/**
 * A lock of the local engine: what the caller holds, with its own value block buffer (the
 * analogue of {@code sb_lvbptr}, filled when a completion arrives). The engine's state of
 * the lock is its {@link LockBlock}.
 */
public final class LocalLockHandle implements DlmLockHandle {

	private final LocalLockspace lockspace;

	/** Also the key of the engine's resource table (hashed once, when it was made). */
	final DlmResourceName resourceName;

	private final @Nullable DlmBlockingListener blockingListener;

	private final byte[] valueBlock = new byte[DlmCompletion.VALUE_BLOCK_LENGTH];

	/**
	 * The granted mode as the completions delivered so far tell it: what the kernel lets a
	 * process know. A waiting conversion that CONVDEADLK demoted to NL shows its old mode
	 * here until its completion says DEMOTED, as on the kernel, while {@link LocalDlmClient#dump}
	 * shows the engine's NL at once, as the kernel's lock dump does.
	 */
	private volatile @Nullable DlmMode reportedMode;

	/** The engine state, from the first request on; guarded by the engine's lock. */
	@Nullable LockBlock lockBlock;

	/**
	 * Set while the engine runs this handle's {@code request} or {@code unlock} call, so that
	 * a completion known before the call returns can complete its future at once; guarded by
	 * the engine's lock.
	 */
	boolean inCall;

	LocalLockHandle(LocalLockspace lockspace, DlmResourceName resourceName,
			@Nullable DlmBlockingListener blockingListener) {
		this.lockspace = lockspace;
		this.resourceName = resourceName;
		this.blockingListener = blockingListener;
	}

	@Override
	public DlmResourceName resourceName() {
		return this.resourceName;
	}

	@Override
	public LocalLockspace lockspace() {
		return this.lockspace;
	}

	@Override
	public CompletableFuture<DlmCompletion> request(DlmMode mode, Set<DlmFlag> flags, byte @Nullable [] valueBlock) {
		DlmRequestRules.checkArguments(mode, flags, valueBlock);
		Set<DlmFlag> copy = flags.isEmpty() ? EnumSet.noneOf(DlmFlag.class) : EnumSet.copyOf(flags);
		return this.lockspace.engine().request(this, mode, copy, valueBlock);
	}

	@Override
	public CompletableFuture<DlmCompletion> unlock(byte @Nullable [] valueBlock) {
		if (valueBlock != null) {
			DlmNames.checkValueBlock(valueBlock);
		}
		return this.lockspace.engine().unlock(this, valueBlock);
	}

	@Override
	public boolean cancel() {
		return this.lockspace.engine().cancel(this);
	}

	@Override
	public @Nullable DlmMode grantedMode() {
		return isEnded() ? null : this.reportedMode;
	}

	@Override
	public boolean isEnded() {
		return this.lockspace.engine().isEnded(this);
	}

	@Override
	public byte[] valueBlock() {
		synchronized (this.valueBlock) {
			return this.valueBlock.clone();
		}
	}

	/**
	 * The id the engine gave this lock at its first request, as {@link LocalLockInfo#lockId()}
	 * shows it.
	 * @return the lock id, 0 before the first request
	 */
	public int lockId() {
		return this.lockspace.engine().lockId(this);
	}

	boolean hasBlockingListener() {
		return this.blockingListener != null;
	}

	void storeValueBlock(byte @Nullable [] bytes) {
		if (bytes != null) {
			synchronized (this.valueBlock) {
				System.arraycopy(bytes, 0, this.valueBlock, 0, this.valueBlock.length);
			}
		}
	}

	void copyValueBlockTo(byte[] target) {
		synchronized (this.valueBlock) {
			System.arraycopy(this.valueBlock, 0, target, 0, this.valueBlock.length);
		}
	}

	/**
	 * Runs on the dispatcher thread, or under the engine's lock for a completion known when
	 * the caller's call returns.
	 */
	void deliver(DlmCompletion completion, @Nullable CompletableFuture<DlmCompletion> future) {
		storeValueBlock(completion.valueBlock());
		this.reportedMode = completion.grantedMode();
		if (future != null) {
			future.complete(completion);
		}
	}

	/** Runs on the dispatcher thread. */
	void deliverBlocking() {
		DlmBlockingListener listener = this.blockingListener;
		if (listener != null) {
			listener.blocking(this);
		}
	}

	@Override
	public String toString() {
		return "LocalLockHandle[lockspace=" + this.lockspace.name() + ", resource=" + this.resourceName
				+ "]";
	}

}
