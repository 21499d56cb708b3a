/**
 * The DLM vocabulary (modes, flags, statuses, exceptions) and the backend SPI
 * ({@link io.github.dlm.core.DlmClient}, {@link io.github.dlm.core.DlmLockspace},
 * {@link io.github.dlm.core.DlmLockHandle}) that the native and local engines implement.
 */
@NullMarked
package io.github.dlm.core;

import org.jspecify.annotations.NullMarked;
