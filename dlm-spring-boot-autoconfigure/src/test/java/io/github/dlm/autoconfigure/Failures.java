package io.github.dlm.autoconfigure;

import org.jspecify.annotations.Nullable;

/**
 * Test helper: the messages of an exception and all its causes.
 */
final class Failures {

	private Failures() {
	}

	static String messages(@Nullable Throwable failure) {
		StringBuilder messages = new StringBuilder();
		for (Throwable ex = failure; ex != null; ex = ex.getCause()) {
			messages.append(ex.getClass().getName()).append(": ").append(ex.getMessage()).append('\n');
		}
		return messages.toString();
	}

}
