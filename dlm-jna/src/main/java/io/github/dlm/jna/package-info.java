/**
 * The native backend: the {@link io.github.dlm.core.DlmClient} implementation over the
 * kernel DLM ({@link io.github.dlm.jna.NativeDlmClient}), its settings
 * ({@link io.github.dlm.jna.NativeDlmSettings}) and the availability probe
 * ({@link io.github.dlm.jna.NativeDlmAvailability}). The rest is package-private: the JNA
 * mapping of {@code libdlm.so.3} ({@code LibDlm}, functions and constants, loaded by
 * {@code LibDlmLoader}), of the C library ({@code LibC}), the direct-mapped hot calls
 * ({@code LibDlmDirect}), the lock status block ({@code DlmLksb}, lent per call by
 * {@code DlmRequestBuffers}), the device's result record ({@code DlmLockResult}) and the
 * dispatcher ({@code DlmDispatcher}) that reads results on the threads waiting for them
 * ({@code NativeCompletionFuture}) or on its own thread.
 */
@NullMarked
package io.github.dlm.jna;

import org.jspecify.annotations.NullMarked;
