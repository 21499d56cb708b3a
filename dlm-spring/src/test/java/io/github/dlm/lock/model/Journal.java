package io.github.dlm.lock.model;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The history of one run, as the threads saw it: each entry numbered in the order it was
 * written, which is the real order of the events it records only where they are ordered
 * by the locks themselves.
 */
final class Journal {

	private final ConcurrentLinkedQueue<String> entries = new ConcurrentLinkedQueue<>();

	private final AtomicInteger sequence = new AtomicInteger();

	void note(String entry) {
		this.entries.add(String.format("%04d %s", this.sequence.incrementAndGet(), entry));
	}

	/** Entries written so far: a sign of progress. */
	int size() {
		return this.sequence.get();
	}

	List<String> entries() {
		return new ArrayList<>(this.entries);
	}

}
