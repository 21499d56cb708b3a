/**
 * The fault workload: clients on every node take one exclusive lock through a
 * {@link io.github.dlm.cluster.workload.WorkloadSystem} (the DLM through the starter, or a
 * lease-based peer), increment a counter kept outside the lock manager, and log grant and
 * release on one clock, while the host injects faults; a checker reads the histories.
 */
@NullMarked
package io.github.dlm.cluster.workload;

import org.jspecify.annotations.NullMarked;
