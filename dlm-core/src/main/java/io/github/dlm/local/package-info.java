/**
 * The local backend: an in-process lock manager with the semantics of the Linux kernel DLM
 * for one node ({@link io.github.dlm.local.LocalDlmClient}), the embedded default when no
 * cluster is at hand.
 */
@NullMarked
package io.github.dlm.local;

import org.jspecify.annotations.NullMarked;
