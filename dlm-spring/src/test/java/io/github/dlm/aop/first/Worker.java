package io.github.dlm.aop.first;

import io.github.dlm.aop.DlmLocked;

/**
 * A bean with the same simple name and method signature as the {@code Worker} of the
 * other test package, locked by the default key.
 */
public class Worker {

	@DlmLocked(waitTime = "0")
	public String work(Runnable body) {
		body.run();
		return "first done";
	}

}
