/**
 * Programs that run inside the cluster's virtual machines, started by the host-side
 * integration tests with {@code java -cp /mnt/host/...}. They talk to the kernel DLM only
 * through the {@link io.github.dlm.core.DlmClient} SPI.
 */
@NullMarked
package io.github.dlm.cluster.node;

import org.jspecify.annotations.NullMarked;
