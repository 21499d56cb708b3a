package io.github.dlm.caching;

import java.util.Set;
import java.util.concurrent.CompletableFuture;

import io.github.dlm.core.DlmBlockingListener;
import io.github.dlm.core.DlmCompletion;
import io.github.dlm.core.DlmFlag;
import io.github.dlm.core.DlmLockHandle;
import io.github.dlm.core.DlmMode;
import io.github.dlm.core.DlmResourceName;
import io.github.dlm.local.LocalLockHandle;
import org.jspecify.annotations.Nullable;

/**
 * A lock handed out by a {@link CachingLockspace}: a lock of the lockspace's local engine,
 * arbitrated among this node's holders, whose grants its resource's node lock covers.
 * Requests the cache can answer complete on the calling thread, as a local lock's do.
 */
final class CachingLockHandle implements DlmLockHandle {

	private final CachingLockspace lockspace;

	private final LocalLockHandle local;

	CachingLockHandle(CachingLockspace lockspace, DlmResourceName resourceName,
			@Nullable DlmBlockingListener blockingListener) {
		this.lockspace = lockspace;
		this.local = lockspace.engine().lockspace().newLock(resourceName,
				(blockingListener != null) ? (lock) -> blockingListener.blocking(this) : null);
	}

	@Override
	public DlmResourceName resourceName() {
		return this.local.resourceName();
	}

	@Override
	public CachingLockspace lockspace() {
		return this.lockspace;
	}

	@Override
	public CompletableFuture<DlmCompletion> request(DlmMode mode, Set<DlmFlag> flags, byte @Nullable [] valueBlock) {
		CompletableFuture<DlmCompletion> future = this.local.request(mode, flags, valueBlock);
		this.lockspace.afterCall(future);
		return future;
	}

	@Override
	public CompletableFuture<DlmCompletion> unlock(byte @Nullable [] valueBlock) {
		CompletableFuture<DlmCompletion> future = this.local.unlock(valueBlock);
		this.lockspace.afterCall(null);
		return future;
	}

	@Override
	public boolean cancel() {
		boolean cancelled = this.local.cancel();
		this.lockspace.afterCall(null);
		return cancelled;
	}

	@Override
	public @Nullable DlmMode grantedMode() {
		return this.local.grantedMode();
	}

	@Override
	public boolean isEnded() {
		return this.local.isEnded();
	}

	@Override
	public byte[] valueBlock() {
		return this.local.valueBlock();
	}

	@Override
	public String toString() {
		return "CachingLockHandle[lockspace=" + this.lockspace.name() + ", resource=" + resourceName() + "]";
	}

}
