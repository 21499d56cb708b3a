package io.github.dlm.lock;

import org.jspecify.annotations.Nullable;

import io.github.dlm.core.DlmLockspace;

/**
 * What the lock objects of one {@link DlmLockRegistry} share: the lockspace, the
 * {@linkplain ValueBlockAnchors value block anchors}, the
 * {@linkplain FencingTokenIssuer fencing token issuer}, the companions of
 * {@linkplain RunRecordCompanions run records}, the registry-wide blocking
 * listener, the {@linkplain CurrentHolds current holds} and the
 * {@linkplain LockInstrumentation instrumentation}. The registry creates and
 * configures it and hands it to each lock object it
 * creates; lock objects only read it, so no call goes from a lock back to its registry.
 */
final class LockScope {

	private final DlmLockspace lockspace;

	private final ValueBlockAnchors anchors;

	private final FencingTokenIssuer fencingTokens;

	private final RunRecordCompanions runRecords;

	private volatile @Nullable DlmLockBlockingListener blockingListener;

	private final CurrentHolds holds = new CurrentHolds();

	private final LockInstrumentation instrumentation = new LockInstrumentation();

	LockScope(DlmLockspace lockspace) {
		this.lockspace = lockspace;
		this.anchors = new ValueBlockAnchors(lockspace);
		this.fencingTokens = new FencingTokenIssuer(lockspace);
		this.runRecords = new RunRecordCompanions(lockspace);
	}

	DlmLockspace lockspace() {
		return this.lockspace;
	}

	ValueBlockAnchors anchors() {
		return this.anchors;
	}

	CurrentHolds holds() {
		return this.holds;
	}

	LockInstrumentation instrumentation() {
		return this.instrumentation;
	}

	FencingTokenIssuer fencingTokens() {
		return this.fencingTokens;
	}

	RunRecordCompanions runRecords() {
		return this.runRecords;
	}

	@Nullable DlmLockBlockingListener blockingListener() {
		return this.blockingListener;
	}

	void setBlockingListener(@Nullable DlmLockBlockingListener blockingListener) {
		this.blockingListener = blockingListener;
	}

}
