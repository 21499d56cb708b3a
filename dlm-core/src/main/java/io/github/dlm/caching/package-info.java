/**
 * Node-level lock caching, as GFS2's glocks and OCFS2's {@code dlmglue} do it: a decorator
 * of the backend SPI ({@link io.github.dlm.caching.CachingDlmClient}) that holds one DLM lock
 * per (lockspace handle, resource) whatever the number of local holders, and keeps it after
 * the last local release until another node wants it.
 * <p>
 * <b>Local holders</b> are locks of a private local engine per lockspace
 * ({@link io.github.dlm.local.GatedEngine}), so they get the DLM's exact semantics among
 * themselves: compatibility matrix, grant, convert and wait queues in the kernel's order,
 * NOQUEUE, cancel, conversion deadlocks, blocking callbacks, value blocks. The engine
 * grants a lock only when the resource's <b>node lock</b> (always requested with VALBLK)
 * covers its mode; otherwise the lock waits, gated, and the node lock is requested or
 * converted up to the least mode covering its granted mode and what waits.
 * <p>
 * <b>States of a node lock</b> ({@code NodeLock}):
 * <ul>
 * <li><i>none</i>: no DLM lock. A local request that the local queues would grant is gated;
 * the node lock is requested (with NOQUEUE when every gated request is a NOQUEUE one:
 * {@code tryLock} asks the lock manager when the cache cannot answer).</li>
 * <li><i>requesting / converting</i>: the request is in flight; on its grant the kernel's
 * value block (and its VALNOTVALID flag) is copied into the local resource, unless the node
 * lock already held PW or EX (then the local copy is the newer one), and the gated local
 * locks are granted in queue order. NOT_GRANTED refuses the gated NOQUEUE requests; a
 * DEADLOCK is given to the gated local conversions, while gated new requests wait (and if
 * no local holder needs the old mode, the node lock is released and requested afresh);
 * CANCELLED or a delegate failure reaches every gated request.</li>
 * <li><i>granted</i>: local locks whose mode it covers are admitted in memory, on the
 * caller's thread. After the last local release it stays granted: <i>cached</i>.</li>
 * <li><i>remote waiter</i>: a blocking callback on the node lock (which names no mode, so
 * it counts as a request for EX) puts a stand-in EX request at the head of the local wait
 * queue. No new local request is granted ahead of it, so the other node cannot starve;
 * the local holders that block it get blocking callbacks; conversions of local holders
 * still go first, as in the DLM. An idle sweep does the same for a node lock without local
 * locks for {@code releaseIdleAfter}.</li>
 * <li><i>draining</i>: the stand-in is granted (local holders drained). The node lock is
 * released, or converted down to NL while local NL holders remain, publishing the local
 * value block first if it held PW or EX (or invalidating it, if it is invalid locally).
 * Then the stand-in goes, and local requests waiting behind it request the node lock
 * afresh, queued in the lock manager behind the remote waiter.</li>
 * </ul>
 * A node request that a local NOQUEUE request made ({@code tryLock}) always carries
 * NOQUEUEBAST: a node that caches the lock without using it then lets it go, so a refused
 * {@code tryLock} elsewhere is not refused again until that node's idle release.
 * <p>
 * Closing a caching lockspace first releases the node locks no local lock holds, publishing
 * the value blocks written locally; then it closes its local engine (waiting requests
 * cancelled, held locks ended) and the delegate lockspace, which drops the remaining node
 * locks.
 */
@NullMarked
package io.github.dlm.caching;

import org.jspecify.annotations.NullMarked;
