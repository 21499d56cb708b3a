package io.github.dlm.autoconfigure;

import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

import org.jspecify.annotations.Nullable;

import io.github.dlm.core.DlmBlockingListener;
import io.github.dlm.core.DlmClient;
import io.github.dlm.core.DlmCompletion;
import io.github.dlm.core.DlmDispatcherStats;
import io.github.dlm.core.DlmFlag;
import io.github.dlm.core.DlmLockHandle;
import io.github.dlm.core.DlmLockspace;
import io.github.dlm.core.DlmMode;
import io.github.dlm.core.DlmResourceName;
import io.github.dlm.core.LockspaceOptions;

/**
 * A {@link DlmClient} that passes every call to a real one and records, in order, what
 * the starter asked of it: lockspaces opened (with their options) and closed, lock
 * requests with their mode, and the client's own close.
 */
class RecordingDlmClient implements DlmClient {

	final List<String> events = new CopyOnWriteArrayList<>();

	final List<LockspaceOptions> openedOptions = new CopyOnWriteArrayList<>();

	private final DlmClient delegate;

	RecordingDlmClient(DlmClient delegate) {
		this.delegate = delegate;
	}

	@Override
	public String backendName() {
		return this.delegate.backendName();
	}

	@Override
	public DlmLockspace openLockspace(String name, LockspaceOptions options) {
		DlmLockspace lockspace = this.delegate.openLockspace(name, options);
		this.events.add("open " + name);
		this.openedOptions.add(options);
		return new RecordingLockspace(lockspace);
	}

	@Override
	public List<DlmDispatcherStats> dispatchers() {
		return this.delegate.dispatchers();
	}

	@Override
	public void close() {
		this.events.add("close client");
		this.delegate.close();
	}

	private final class RecordingLockspace implements DlmLockspace {

		private final DlmLockspace delegate;

		RecordingLockspace(DlmLockspace delegate) {
			this.delegate = delegate;
		}

		@Override
		public String name() {
			return this.delegate.name();
		}

		@Override
		public DlmLockHandle newLock(DlmResourceName resourceName, @Nullable DlmBlockingListener blockingListener) {
			return new RecordingHandle(this.delegate.newLock(resourceName, blockingListener), this);
		}

		@Override
		public void close() {
			RecordingDlmClient.this.events.add("close " + name());
			this.delegate.close();
		}

	}

	private final class RecordingHandle implements DlmLockHandle {

		private final DlmLockHandle delegate;

		private final DlmLockspace lockspace;

		RecordingHandle(DlmLockHandle delegate, DlmLockspace lockspace) {
			this.delegate = delegate;
			this.lockspace = lockspace;
		}

		@Override
		public DlmResourceName resourceName() {
			return this.delegate.resourceName();
		}

		@Override
		public DlmLockspace lockspace() {
			return this.lockspace;
		}

		@Override
		public CompletableFuture<DlmCompletion> request(DlmMode mode, Set<DlmFlag> flags,
				byte @Nullable [] valueBlock) {
			RecordingDlmClient.this.events
				.add("request " + mode + " " + resourceName());
			return this.delegate.request(mode, flags, valueBlock);
		}

		@Override
		public CompletableFuture<DlmCompletion> unlock(byte @Nullable [] valueBlock) {
			return this.delegate.unlock(valueBlock);
		}

		@Override
		public boolean cancel() {
			return this.delegate.cancel();
		}

		@Override
		public @Nullable DlmMode grantedMode() {
			return this.delegate.grantedMode();
		}

		@Override
		public boolean isEnded() {
			return this.delegate.isEnded();
		}

		@Override
		public byte[] valueBlock() {
			return this.delegate.valueBlock();
		}

	}

}
