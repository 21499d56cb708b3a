package io.github.dlm.autoconfigure;

import org.jspecify.annotations.Nullable;

import io.github.dlm.core.DlmUnavailableException;

/**
 * {@code dlm.backend=native}, but the kernel DLM cannot be used; analysed into what to set
 * by {@link DlmUnavailableFailureAnalyzer}.
 */
final class NativeBackendUnavailableException extends DlmUnavailableException {

	private final NativeDlmSupport.Problem problem;

	private final @Nullable String libraryPath;

	/**
	 * Creates the exception.
	 * @param problem what keeps the native backend from being used
	 * @param reason why, in the library's words
	 * @param libraryPath the configured {@code dlm.native.library-path}, or {@code null}
	 */
	NativeBackendUnavailableException(NativeDlmSupport.Problem problem, String reason, @Nullable String libraryPath) {
		super("dlm.backend=native, but the kernel DLM cannot be used. " + reason, 0);
		this.problem = problem;
		this.libraryPath = libraryPath;
	}

	/**
	 * What keeps the native backend from being used.
	 * @return the problem
	 */
	NativeDlmSupport.Problem getProblem() {
		return this.problem;
	}

	/**
	 * The configured library path.
	 * @return {@code dlm.native.library-path}, or {@code null} when unset
	 */
	@Nullable String getLibraryPath() {
		return this.libraryPath;
	}

}
