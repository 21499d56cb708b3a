package io.github.dlm.core;

import java.util.List;

/**
 * A DLM backend: the service provider interface that the native (libdlm) and the local
 * (in-process) engines implement and everything above them uses.
 * <p>
 * A client opens lockspaces; locks live in a lockspace. Implementations are thread-safe.
 * Closing the client closes every lockspace it opened.
 */
public interface DlmClient extends AutoCloseable {

	/**
	 * A short name of this backend for logs and health output, such as {@code native}
	 * or {@code local}.
	 * @return the backend name
	 */
	String backendName();

	/**
	 * Opens a lockspace, creating it first if the options say so and it does not exist.
	 * Opening the same name twice returns two independent handles.
	 * @param name the lockspace name: 1..{@value DlmNames#MAX_LOCKSPACE_NAME_LENGTH}
	 * characters from {@code [A-Za-z0-9_-]}
	 * @param options how to create, open and release it
	 * @return the open lockspace
	 * @throws IllegalArgumentException if the name is invalid
	 * @throws DlmException if the lockspace cannot be opened or created, naming the cause
	 */
	DlmLockspace openLockspace(String name, LockspaceOptions options);

	/**
	 * What the dispatchers of the lockspaces open now have done, one per open lockspace
	 * handle. Decorators delegate this.
	 * @return a snapshot, empty if the backend does not report it
	 */
	default List<DlmDispatcherStats> dispatchers() {
		return List.of();
	}

	/**
	 * Closes every lockspace this client opened, releasing their locks.
	 */
	@Override
	void close();

}
