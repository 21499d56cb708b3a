/**
 * The native backend: a JNA binding of {@code libdlm.so.3} ({@link io.github.dlm.jna.LibDlm},
 * {@link io.github.dlm.jna.DlmLksb}), the dispatcher thread that delivers its callbacks
 * ({@link io.github.dlm.jna.DlmDispatcher}), the {@link io.github.dlm.core.DlmClient}
 * implementation ({@link io.github.dlm.jna.NativeDlmClient}) and the availability probe
 * ({@link io.github.dlm.jna.NativeDlmAvailability}).
 */
@NullMarked
package io.github.dlm.jna;

import org.jspecify.annotations.NullMarked;
