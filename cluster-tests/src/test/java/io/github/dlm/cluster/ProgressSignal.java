package io.github.dlm.cluster;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Something observable that changes while slow work makes headway: a log growing, a program
 * printing, files appearing, a process using CPU. {@link ProgressDeadline} extends its
 * deadline each time a sample differs from the one before.
 */
@FunctionalInterface
interface ProgressSignal {

	/** No signal: the deadline is then a plain one of the stall window. */
	ProgressSignal NONE = () -> 0L;

	/** A sample that says nothing this time (neither progress nor its absence). */
	Object UNKNOWN = new Object() {
		@Override
		public String toString() {
			return "unknown";
		}
	};

	/**
	 * Samples the signal.
	 * @return a value that differs from the previous sample when progress was made, or
	 * {@link #UNKNOWN} when it cannot tell this time
	 * @throws Exception if it cannot be sampled (the wait fails)
	 */
	Object sample() throws Exception;

	/**
	 * The size of a file on the host (the share), -1 while it does not exist.
	 * @param file the file
	 * @return the signal
	 */
	static ProgressSignal sizeOf(Path file) {
		return () -> Files.exists(file) ? Files.size(file) : -1L;
	}

	/**
	 * How many entries a host directory holds: node programs that mark their steps with files.
	 * @param directory the directory
	 * @return the signal
	 */
	static ProgressSignal entriesOf(Path directory) {
		return () -> {
			if (!Files.isDirectory(directory)) {
				return -1L;
			}
			try (Stream<Path> entries = Files.list(directory)) {
				return entries.count();
			}
			catch (IOException ex) {
				// an entry renamed or deleted while listing: no conclusion this time
				return UNKNOWN;
			}
		};
	}

	/**
	 * All the given signals at once: progress when any of them moves. A member that cannot
	 * tell this time ({@link #UNKNOWN}) counts with its last known sample.
	 * @param signals the signals
	 * @return the combined signal
	 */
	static ProgressSignal anyOf(ProgressSignal... signals) {
		Object[] known = new Object[signals.length];
		return () -> {
			List<Object> samples = new ArrayList<>(signals.length);
			synchronized (known) {
				for (int i = 0; i < signals.length; i++) {
					Object sample = signals[i].sample();
					if (sample != UNKNOWN) {
						known[i] = sample;
					}
					samples.add(String.valueOf(known[i]));
				}
			}
			return samples;
		};
	}

}
