package io.github.dlm.autoconfigure;

/**
 * Which DLM engine backs the application's locks ({@code dlm.backend}).
 */
public enum DlmBackend {

	/**
	 * The kernel DLM when it can be used on this machine, otherwise the in-process local
	 * engine, with one WARN line in the log that says why.
	 */
	AUTO,

	/**
	 * The kernel DLM through {@code libdlm.so.3}; start-up fails, naming the cause and the
	 * fix, when it cannot be used.
	 */
	NATIVE,

	/**
	 * The in-process engine with the kernel's semantics for one node: locks are shared by
	 * the threads of this JVM only. For development and tests.
	 */
	LOCAL

}
