package io.github.dlm.bench;

import io.github.dlm.aop.DlmLocked;

/**
 * The proxied bean of {@link AnnotationBenchmark}: the same tiny body with and without
 * {@link DlmLocked}.
 */
public class LockedService {

	private long calls;

	/**
	 * The body under {@code @DlmLocked}, keyed by its argument through SpEL.
	 * @param id the key
	 * @return the number of calls so far
	 */
	@DlmLocked(key = "#id")
	public long locked(String id) {
		return ++this.calls;
	}

	/**
	 * The same body without an annotation.
	 * @param id unused, as in {@link #locked(String)}
	 * @return the number of calls so far
	 */
	public long plain(String id) {
		return ++this.calls;
	}

}
