/**
 * Spring Integration {@code LockRegistry} and {@link java.util.concurrent.locks.Lock}
 * implementations over a DLM lockspace: {@link io.github.dlm.lock.DlmLockRegistry},
 * {@link io.github.dlm.lock.DlmLock} and {@link io.github.dlm.lock.DlmLockRegistries}.
 */
@NullMarked
package io.github.dlm.lock;

import org.jspecify.annotations.NullMarked;
