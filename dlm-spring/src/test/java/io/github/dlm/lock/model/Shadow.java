package io.github.dlm.lock.model;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import org.jspecify.annotations.Nullable;

import io.github.dlm.core.DlmMode;

/**
 * The sequential model of the DLM that every run is checked against, kept by the worker
 * threads themselves as they go.
 * <p>
 * <b>Holders.</b> Owners are threads and asynchronous holds. A thread enters the mode it holds on a resource right after its
 * acquisition or up-conversion returns, and lowers or removes it right before it calls
 * {@code unlock()} or converts down. So a thread is in the table only while the contract
 * says it holds at least that mode, and two incompatible modes of two threads in the table
 * at once are two incompatible holders at once: a violation, whatever the timing. A thread
 * that re-entered a resource is entered with the join of its holds (see {@link Modes}).
 * <p>
 * <b>Value blocks.</b> Per resource, the set of (value, valid) pairs a holder that excludes
 * writers (PR, PW, EX) may read when granted. A publication (release or down-conversion
 * from PW/EX after {@code setValueBlock}) makes it exactly the published value. Once
 * something may have dropped the lock object that retains it (an expiry, a registry closed,
 * a process gone), "zeros, valid" is possible too, at any later time, until a publication
 * retains a value again. The other process's handle closing while it holds PW/EX makes the
 * value invalid (the kernel's IVVALBLK). A read narrows the set to what was read. Where timing leaves the outcome open
 * (an operation of the closing process in flight), every possible outcome is added, so
 * the model never rejects a correct history.
 */
final class Shadow {

	/** A value block as the model knows it: all 32 bytes equal to {@code value}. */
	record Value(int value, boolean valid) {

		@Override
		public String toString() {
			return this.value + (this.valid ? "" : " (invalid)");
		}

	}

	private record Hold(DlmMode mode, int owner) {
	}

	private static final Value ZEROS = new Value(0, true);

	private final Journal journal;

	private final Map<String, Map<Integer, Hold>> holders = new TreeMap<>();

	/** Threads with an operation in flight on a resource, with the handle owning their DLM lock. */
	private final Map<String, Map<Integer, Integer>> inFlight = new HashMap<>();

	private final Map<String, Set<Value>> values = new HashMap<>();

	/** What each resource's value could be before its last publication. */
	private final Map<String, Set<Value>> previousValues = new HashMap<>();

	/**
	 * Resources whose value may be lost whenever no lock is left on them: something may have
	 * dropped the lock that retained it (an expiry, a registry or process closed), or it was
	 * published through a registry that no longer retains values. A publication through a
	 * registry that retains takes a new anchor and ends this.
	 */
	private final Set<String> mayLoseLater = new HashSet<>();

	private final Set<Integer> closedHandles = new HashSet<>();

	/** Handles being closed right now: no operation on their locks may begin. */
	private final Set<Integer> closing = new HashSet<>();

	private final List<Failure> failures = new ArrayList<>();

	/**
	 * Counts the events that may change a value block behind the holders' backs (closes,
	 * expiries); a read narrows the model only if none happened since its operation began,
	 * since the read itself may come from before such an event.
	 */
	private long epoch;

	private final Map<Integer, Long> beganAt = new HashMap<>();

	Shadow(Journal journal) {
		this.journal = journal;
	}

	synchronized boolean isClosed(int handle) {
		return this.closedHandles.contains(handle);
	}

	/**
	 * An operation on a resource, by a thread whose DLM lock on it belongs (or will belong)
	 * to {@code owner}, is about to begin.
	 * @return {@code false} if that handle is closing: wait until it is closed, then try
	 * again, so that every operation is either in flight when a close begins or starts after
	 * it is done
	 */
	synchronized boolean begin(int thread, String resource, int owner) {
		if (this.closing.contains(owner)) {
			return false;
		}
		this.inFlight.computeIfAbsent(resource, (r) -> new HashMap<>()).put(thread, owner);
		this.beganAt.put(thread, this.epoch);
		return true;
	}

	synchronized void end(int thread, String resource) {
		Map<Integer, Integer> threads = this.inFlight.get(resource);
		if (threads != null) {
			threads.remove(thread);
		}
	}

	/**
	 * Records the mode a thread holds on a resource ({@code null}: none) and checks it
	 * against every other holder. Ignored once the owning handle is closed: the lock is gone.
	 */
	synchronized void hold(int thread, String resource, @Nullable DlmMode mode, int owner) {
		Map<Integer, Hold> threads = this.holders.computeIfAbsent(resource, (r) -> new TreeMap<>());
		if (mode == null || this.closedHandles.contains(owner)) {
			threads.remove(thread);
			return;
		}
		threads.put(thread, new Hold(mode, owner));
		for (Map.Entry<Integer, Hold> other : threads.entrySet()) {
			if (other.getKey() != thread && !mode.isCompatibleWith(other.getValue().mode())) {
				fail("exclusion", owner(thread) + " holds " + resource + " in " + mode + " while " + owner(other.getKey())
						+ " holds it in " + other.getValue().mode() + " (holders now: " + threads + ")");
			}
		}
	}

	/**
	 * A publication about to be made by a thread whose DLM lock belongs to {@code owner},
	 * through a lock object whose registry {@code retains} published values.
	 */
	synchronized void publish(String resource, int value, int owner, boolean retains) {
		if (this.closedHandles.contains(owner)) {
			return;
		}
		Set<Value> now = new LinkedHashSet<>();
		now.add(new Value(value, true));
		if (retains) {
			this.mayLoseLater.remove(resource);
		}
		else {
			this.mayLoseLater.add(resource);
			now.add(ZEROS);
		}
		this.previousValues.put(resource, values(resource));
		this.values.put(resource, now);
	}

	/** A read by a holder that excludes writers, right after its grant. */
	synchronized void read(int thread, String resource, byte[] bytes, boolean valid, String context) {
		int value = bytes[0];
		for (byte b : bytes) {
			if (b != value) {
				fail("value", owner(thread) + " read a value block that no one wrote on " + resource + " in " + context
						+ ": " + java.util.Arrays.toString(bytes));
				return;
			}
		}
		Value read = new Value(value, valid);
		Set<Value> possible = values(resource);
		if (this.mayLoseLater.contains(resource)) {
			possible.add(ZEROS);
		}
		if (!possible.contains(read)) {
			fail("value", owner(thread) + " read " + read + " from " + resource + " in " + context
					+ "; the model allows only " + possible);
			return;
		}
		if (this.beganAt.getOrDefault(thread, -1L) == this.epoch) {
			this.values.put(resource, new LinkedHashSet<>(Set.of(read)));
		}
	}

	/**
	 * Something may drop the locks that retain the values of a lockspace's resources (an
	 * expiry, a registry closing): told before and again after it, so that a publication
	 * made meanwhile does not count as safely retained.
	 */
	synchronized void mayLose(String lockspace) {
		this.epoch++;
		for (String resource : List.of(lockspace + "/k0", lockspace + "/k1")) {
			values(resource).add(ZEROS);
			this.mayLoseLater.add(resource);
		}
	}

	/**
	 * A lockspace handle is about to close: its locks go, PW/EX ones leaving the value
	 * block invalid (IVVALBLK), and its value block anchors go too. Its threads start no
	 * operation on those locks until it is closed, so a PW/EX holder with no operation in
	 * flight on the resource surely leaves the value invalid (unless the resource goes with
	 * its last lock, and the value with it).
	 */
	synchronized void closing(int handle, String lockspace) {
		this.epoch++;
		this.closedHandles.add(handle);
		this.closing.add(handle);
		for (String resource : List.of(lockspace + "/k0", lockspace + "/k1")) {
			boolean invalidated = false;
			Map<Integer, Hold> threads = this.holders.getOrDefault(resource, Map.of());
			Map<Integer, Integer> flying = this.inFlight.getOrDefault(resource, Map.of());
			for (Map.Entry<Integer, Hold> holder : threads.entrySet()) {
				if (holder.getValue().owner() == handle && holder.getValue().mode().writesValueBlock()
						&& !flying.containsKey(holder.getKey())) {
					invalidated = true;
				}
			}
			boolean uncertain = flying.containsValue(handle);
			threads.values().removeIf((hold) -> hold.owner() == handle);
			Set<Value> before = values(resource);
			Set<Value> after = new LinkedHashSet<>();
			if (!invalidated || uncertain) {
				after.addAll(before);
			}
			if (invalidated || uncertain) {
				Set<Value> candidates = new LinkedHashSet<>(before);
				if (uncertain) {
					candidates.addAll(this.previousValues.getOrDefault(resource, Set.of()));
					after.addAll(this.previousValues.getOrDefault(resource, Set.of()));
				}
				for (Value value : candidates) {
					after.add(new Value(value.value(), false));
				}
			}
			after.add(ZEROS);
			this.values.put(resource, after);
			this.mayLoseLater.add(resource);
		}
	}

	/** The handle is closed: operations on its (gone) locks may begin again. */
	synchronized void closed(int handle) {
		this.closing.remove(handle);
	}

	synchronized void fail(String kind, String message) {
		this.journal.note("VIOLATION (" + kind + "): " + message);
		this.failures.add(new Failure(kind, message));
	}

	synchronized List<Failure> failures() {
		return new ArrayList<>(this.failures);
	}

	/**
	 * The name of an owner of holds: threads are 0.., the asynchronous holds a thread asks
	 * for are 1000 * (thread + 1) + their number.
	 */
	static String owner(int id) {
		return (id < 1000) ? "T" + id : "T" + (id / 1000 - 1) + "'s async hold #" + (id % 1000);
	}

	private Set<Value> values(String resource) {
		return this.values.computeIfAbsent(resource, (r) -> new LinkedHashSet<>(List.of(ZEROS)));
	}

}
