package io.github.dlm.cluster;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;

/**
 * A deadline for slow work that follows its progress instead of a guess of its duration.
 * <p>
 * Under software emulation on a shared host, how long a node needs for the same work varies
 * several-fold (one JVM starting alone, or two at once beside other builds). A fixed
 * deadline is either too short for a loaded host or so long that a real hang wastes the CI
 * budget. This one waits as long as a {@link ProgressSignal} keeps moving, and fails only
 * when it has not moved for a whole {@code stall} window, or when the overall {@code cap} is
 * reached even though it moves (a live-lock, or a host far too slow for the suite).
 * <p>
 * It prints one line when the wait ends, with the time it took and the longest stall, so
 * that test logs show how close a run came to either limit. Stalls are seen at the signal's
 * granularity: nothing is sampled in a wait's first seconds (up to a tenth of the stall
 * window, at most 10 s; some samples cost a round trip to a node), and a node's CPU time is
 * sampled every 10 s, so a reported stall of about 20 s means none longer was seen.
 */
final class ProgressDeadline {

	private static final Duration DEFAULT_POLL = Duration.ofSeconds(1);

	private final String what;

	private final Duration stall;

	private final Duration cap;

	private final Duration poll;

	private ProgressDeadline(String what, Duration stall, Duration cap, Duration poll) {
		this.what = Objects.requireNonNull(what);
		this.stall = stall;
		this.cap = cap;
		this.poll = poll;
		if (stall.compareTo(cap) > 0) {
			throw new IllegalArgumentException("Stall window " + stall + " is longer than the cap " + cap);
		}
	}

	/**
	 * A deadline.
	 * @param what what is awaited, for messages ("the application on node 2 up")
	 * @param stall how long the signal may stand still before the wait fails
	 * @param cap how long the wait may take at most, progress or not
	 * @return the deadline, polling every second
	 */
	static ProgressDeadline of(String what, Duration stall, Duration cap) {
		return new ProgressDeadline(what, stall, cap, DEFAULT_POLL);
	}

	/**
	 * The same deadline polling at another interval (checks that cost a round trip to a node
	 * should not run every second).
	 * @param every the interval between checks
	 * @return the deadline
	 */
	ProgressDeadline polling(Duration every) {
		return new ProgressDeadline(this.what, this.stall, this.cap, every);
	}

	/**
	 * Waits until the check returns {@code true}.
	 * @param signal what shows progress
	 * @param check the condition; it may throw (for example an {@link AssertionError} when
	 * the awaited program ended), which ends the wait
	 * @throws AssertionError when the signal stood still for the stall window or the cap was
	 * reached
	 * @throws Exception what the check or the signal threw
	 */
	void await(ProgressSignal signal, Condition check) throws Exception {
		awaitValue(signal, () -> check.met() ? Boolean.TRUE : null);
	}

	/**
	 * Waits until the check returns a value.
	 * @param <T> the value's type
	 * @param signal what shows progress
	 * @param check returns the awaited value, or {@code null} while it is not there yet
	 * @return the value
	 * @throws AssertionError when the signal stood still for the stall window or the cap was
	 * reached
	 * @throws Exception what the check or the signal threw
	 */
	<T> T awaitValue(ProgressSignal signal, Check<T> check) throws Exception {
		long start = System.nanoTime();
		// Quick waits never sample: some signals cost a round trip to a node.
		long quiet = Math.min(this.stall.toNanos() / 10, TimeUnit.SECONDS.toNanos(10));
		long lastProgress = start;
		long longestStall = 0;
		Object last = null;
		while (true) {
			T value = check.value();
			long now = System.nanoTime();
			if (value != null) {
				longestStall = Math.max(longestStall, now - lastProgress);
				if (now - start > quiet) {
					System.out.printf("[progress] %s after %.1f s (longest stall %.1f s of %d s allowed)%n", this.what,
							seconds(now - start), seconds(longestStall), this.stall.toSeconds());
				}
				return value;
			}
			if (now - start > quiet) {
				Object sample = signal.sample();
				if (sample != ProgressSignal.UNKNOWN) {
					if (last == null) {
						last = sample;
					}
					else if (!sample.equals(last)) {
						longestStall = Math.max(longestStall, now - lastProgress);
						lastProgress = now;
						last = sample;
					}
				}
			}
			if (now - lastProgress > this.stall.toNanos()) {
				throw new AssertionError(String.format(
						"Gave up waiting for %s: no progress for %.0f s (stall window %d s) after %.0f s in all; "
								+ "last progress signal: %s",
						this.what, seconds(now - lastProgress), this.stall.toSeconds(), seconds(now - start), last));
			}
			if (now - start > this.cap.toNanos()) {
				throw new AssertionError(String.format(
						"Gave up waiting for %s: still not done after the cap of %d s, though it kept moving "
								+ "(last progress %.0f s ago; signal: %s)",
						this.what, this.cap.toSeconds(), seconds(now - lastProgress), last));
			}
			TimeUnit.NANOSECONDS.sleep(this.poll.toNanos());
		}
	}

	private static double seconds(long nanos) {
		return nanos / 1e9;
	}

	@Override
	public String toString() {
		return "ProgressDeadline[" + this.what + ", stall " + this.stall + ", cap " + this.cap + "]";
	}

	/** A condition to wait for. */
	@FunctionalInterface
	interface Condition {

		/**
		 * Whether the condition is met.
		 * @return {@code true} when the wait is over
		 * @throws Exception to end the wait with it
		 */
		boolean met() throws Exception;

	}

	/**
	 * A value to wait for.
	 * @param <T> its type
	 */
	@FunctionalInterface
	interface Check<T> {

		/**
		 * The value if it is there.
		 * @return the value, or {@code null} while it is not there yet
		 * @throws Exception to end the wait with it
		 */
		@Nullable T value() throws Exception;

	}

}
