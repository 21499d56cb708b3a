package io.github.dlm.caching;

import io.github.dlm.core.DlmMode;
import org.jspecify.annotations.Nullable;

/**
 * One node lock of a {@link CachingLockspace} as {@link CachingLockspace#cachedLocks()}
 * shows it: a read-only snapshot for endpoints and metrics.
 *
 * @param resource the resource name, as text when printable, else in hex
 * @param nodeMode the mode the node lock is granted in, {@code null} while it is being
 * requested or after it was released
 * @param localHolders local locks granted on the resource (converting ones included)
 * @param localWaiters local requests and conversions waiting
 * @param remoteWaiterPending whether a blocking callback (or the idle release) asked the
 * node to give the lock up, so that no new local holder is admitted until it has
 */
public record CachedLock(String resource, @Nullable DlmMode nodeMode, int localHolders, int localWaiters,
		boolean remoteWaiterPending) {
}
