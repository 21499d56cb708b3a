package io.github.dlm.contract;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import io.github.dlm.core.DlmCompletion;
import io.github.dlm.core.DlmFlag;
import io.github.dlm.core.DlmLockHandle;
import io.github.dlm.core.DlmLockspace;
import io.github.dlm.core.DlmMode;
import io.github.dlm.core.DlmRequestRules;
import io.github.dlm.core.DlmResourceName;
import io.github.dlm.core.DlmStatusFlag;

/**
 * Seeded random operation sequences over the backend SPI, run on one lockspace, each
 * producing a canonical trace of what the backend delivered. The same seeds run on two
 * backends give the same traces when the backends behave the same: that is how the local
 * engine is held to the kernel DLM (the cluster suite's {@code LocalFidelityClusterIT} runs
 * them on the native backend inside a VM node and on the local engine in the same JVM).
 * <p>
 * <b>A sequence.</b> One thread, {@value #SLOTS} lock slots over {@value #RESOURCES} resources
 * whose names are unique to the sequence (a resource whose last lock went is not locked
 * again; the next lock goes to a fresh name, see {@code hasLocks}). Each step picks a slot and does what its state
 * allows: a new request on a free slot (a fresh lock on a random resource), a conversion or
 * an unlock (with or without a value block) on a granted one, a cancel on one whose request
 * or conversion waits (but not a CONVDEADLK conversion: see {@code mayCancel}). Modes are all six; flags are NOQUEUE, NOQUEUEBAST, VALBLK (with or
 * without 32 bytes to write), HEADQUE, EXPEDITE (new NL requests), NOORDER, ALTPR/ALTCW,
 * and on conversions QUECVT (where valid) and CONVDEADLK. Which step comes next depends only
 * on the seed and on what the backend answered before, so two backends that answer alike
 * get the same steps. A sequence ends by cancelling what waits and unlocking what is held.
 * <p>
 * <b>Determinism.</b> After each step the runner sends a barrier, an NL conversion of a lock
 * of its own on a resource nothing else uses, and waits for its completion. Both backends
 * deliver a lockspace handle's callbacks one at a time in the order the lock manager queued
 * them, and on one node the kernel handles a request, conversion, unlock or cancel
 * completely inside the {@code write()} that makes it: so every callback the step caused
 * arrives before the barrier's, and none after. No timing is assumed anywhere.
 * <p>
 * <b>The trace</b> has one entry per step: the step, what the call returned (or threw), then
 * for each slot in slot order the callbacks it got before the barrier, in the order they
 * came: {@code C:<status> mode=<granted> flags=[...] vb=<hex>} for a completion (vb only when
 * the completion read the value block) and {@code B} for a blocking callback; last the state
 * of every slot after the barrier. Callbacks of different locks are not ordered against each
 * other: the kernel's device queues a lock's callbacks behind the first one it still holds
 * for that lock, so the order across locks is the kernel's bookkeeping, not the DLM's
 * semantics, and the local engine's strict FIFO need not mirror it. A completion that the
 * step's own call produced (known before the call returned) counts as its lock's first
 * callback of the step, which is when both lock managers queue it.
 */
public final class OperationSequences {

	/** Lock slots per sequence. */
	public static final int SLOTS = 4;

	/** Resources per sequence. */
	public static final int RESOURCES = 3;

	private static final long TIMEOUT_SECONDS = 60;

	private static final DlmMode[] MODES = DlmMode.values();

	private final DlmLockspace lockspace;

	private final Options options;

	private final DlmLockHandle barrier;

	/**
	 * A runner on a lockspace; it takes one NL lock of its own there, on
	 * {@code resourcePrefix + "barrier"}, until {@link #close()}.
	 * @param lockspace the lockspace, used by nothing else meanwhile
	 * @param options what the generator may use
	 */
	public OperationSequences(DlmLockspace lockspace, Options options) {
		this.lockspace = lockspace;
		this.options = options;
		this.barrier = lockspace.newLock(DlmResourceName.of(options.resourcePrefix() + "barrier"), null);
		DlmCompletion granted = join(this.barrier.request(DlmMode.NL, Set.of(), null));
		if (!granted.isGranted()) {
			throw new IllegalStateException("Barrier lock not granted: " + granted);
		}
	}

	/**
	 * Runs one sequence.
	 * @param seed the seed
	 * @param steps how many steps before the clean-up
	 * @return the trace, one entry per step (clean-up steps included)
	 */
	public List<String> run(long seed, int steps) {
		return new Sequence(seed).run(steps);
	}

	/**
	 * Releases the barrier lock.
	 */
	public void close() {
		join(this.barrier.unlock(null));
	}

	/**
	 * The first entry where two traces differ, with what each says there.
	 * @param expected one trace
	 * @param actual the other
	 * @param expectedName what produced the first
	 * @param actualName what produced the second
	 * @return {@code null} if they are equal
	 */
	public static String firstDifference(List<String> expected, List<String> actual, String expectedName,
			String actualName) {
		int n = Math.min(expected.size(), actual.size());
		for (int i = 0; i < n; i++) {
			if (!expected.get(i).equals(actual.get(i))) {
				StringBuilder text = new StringBuilder("step ").append(i).append(" differs\n");
				for (int j = Math.max(0, i - 3); j < i; j++) {
					text.append("  before: ").append(expected.get(j)).append('\n');
				}
				text.append("  ").append(expectedName).append(": ").append(expected.get(i)).append('\n');
				text.append("  ").append(actualName).append(": ").append(actual.get(i));
				return text.toString();
			}
		}
		if (expected.size() != actual.size()) {
			return "traces have " + expected.size() + " (" + expectedName + ") and " + actual.size() + " ("
					+ actualName + ") steps";
		}
		return null;
	}

	private static DlmCompletion join(CompletableFuture<DlmCompletion> future) {
		try {
			return future.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
		catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException ex) {
			throw new IllegalStateException("A DLM operation of the sequence runner did not complete in "
					+ TIMEOUT_SECONDS + " s (a barrier that never completes means the backend lost a callback)", ex);
		}
	}

	/**
	 * What the generator may use.
	 * @param resourcePrefix prefix of every resource name (the seed is appended per sequence)
	 * @param ivvalblk whether conversions may carry IVVALBLK
	 * @param convdeadlk whether conversions may carry CONVDEADLK (a lock manager without
	 * conversion-deadlock detection, like the native tests' stand-in library, would leave
	 * such conversions waiting for good)
	 */
	public record Options(String resourcePrefix, boolean ivvalblk, boolean convdeadlk) {

		/** Everything the generator knows, resources named {@code fid-...}. */
		public static final Options ALL = new Options("fid-", true, true);

		/**
		 * The same options with another resource prefix.
		 * @param prefix the prefix
		 * @return the options
		 */
		public Options withResourcePrefix(String prefix) {
			return new Options(prefix, this.ivvalblk, this.convdeadlk);
		}

		/**
		 * The same options without CONVDEADLK.
		 * @return the options
		 */
		public Options withoutConvdeadlk() {
			return new Options(this.resourcePrefix, this.ivvalblk, false);
		}

	}

	/** One run of one seed. */
	private final class Sequence {

		private final long seed;

		private final SplittableRandom random;

		private final Slot[] slots = new Slot[SLOTS];

		private final List<String> trace = new ArrayList<>();

		/** Per resource: how often it became free of locks; part of its name. */
		private final int[] generation = new int[RESOURCES];

		/** Per resource: whether a lock was created on its current generation. */
		private final boolean[] used = new boolean[RESOURCES];

		/** Callbacks of the current step, per slot, in arrival order; guarded by itself. */
		private final List<List<String>> events = new ArrayList<>();

		Sequence(long seed) {
			this.seed = seed;
			this.random = new SplittableRandom(seed);
			for (int i = 0; i < SLOTS; i++) {
				this.slots[i] = new Slot(i);
				this.events.add(new ArrayList<>());
			}
		}

		List<String> run(int steps) {
			for (int i = 0; i < steps; i++) {
				if (!step()) {
					break;
				}
			}
			// clean-up: cancel what waits (but CONVDEADLK conversions, see mayCancel), unlock
			// what is held; that lets the CONVDEADLK conversions through, which are then unlocked
			for (Slot slot : this.slots) {
				if (slot.isPending() && slot.mayCancel()) {
					perform(slot, "cancel", (s) -> "returned " + s.lock.cancel());
				}
			}
			for (int round = 0; round < SLOTS; round++) {
				for (Slot slot : this.slots) {
					if (slot.isGranted()) {
						perform(slot, "unlock", (s) -> s.track(s.lock.unlock(null), Set.of()));
					}
				}
			}
			for (Slot slot : this.slots) {
				if (slot.isPending() || slot.isGranted()) {
					throw new IllegalStateException("Seed " + this.seed + ": slot " + slot.index
							+ " still has a lock after the clean-up: " + this.trace);
				}
			}
			return this.trace;
		}

		/** One step; {@code false} if no slot allows one (all wait in CONVDEADLK conversions). */
		private boolean step() {
			int first = this.random.nextInt(SLOTS);
			Slot slot = null;
			for (int i = 0; i < SLOTS && slot == null; i++) {
				Slot candidate = this.slots[(first + i) % SLOTS];
				if (!candidate.isPending() || candidate.mayCancel()) {
					slot = candidate;
				}
			}
			if (slot == null) {
				return false;
			}
			if (slot.isPending()) {
				perform(slot, "cancel", (s) -> "returned " + s.lock.cancel());
				return true;
			}
			if (!slot.isGranted()) {
				int resource = this.random.nextInt(RESOURCES);
				if (this.used[resource] && !hasLocks(resource)) {
					// a resource whose last lock went is not locked again: see hasLocks
					this.generation[resource]++;
				}
				this.used[resource] = true;
				String name = "r" + resource + "." + this.generation[resource];
				DlmMode mode = mode();
				Set<DlmFlag> flags = newRequestFlags(mode);
				byte[] valueBlock = valueBlock(flags);
				perform(slot, "new " + name + " " + mode + " " + flags + " " + hex(valueBlock), (s) -> {
					s.newLock(resource, name);
					return s.track(s.lock.request(mode, flags, valueBlock), flags);
				});
				return true;
			}
			if (this.random.nextInt(10) < 6) {
				DlmMode from = slot.lock.grantedMode();
				DlmMode mode = mode();
				Set<DlmFlag> flags = conversionFlags(from, mode);
				byte[] valueBlock = valueBlock(flags);
				perform(slot, "convert " + mode + " " + flags + " " + hex(valueBlock),
						(s) -> s.track(s.lock.request(mode, flags, valueBlock), flags));
				return true;
			}
			byte[] valueBlock = (this.random.nextBoolean()) ? randomBytes() : null;
			perform(slot, "unlock " + hex(valueBlock), (s) -> s.track(s.lock.unlock(valueBlock), Set.of()));
			return true;
		}

		/**
		 * Whether a slot has a lock on the current generation of a resource. When a
		 * resource's last lock goes, the kernel keeps the resource on its "toss" list for
		 * {@code toss_secs} (10 s by default) and brings it back if it is locked again by
		 * then, with its VALNOTVALID mark (though without its value block); after that it is
		 * a new resource. The local engine forgets the resource at once. That difference
		 * depends on time, so the sequences never lock a resource again once its last lock
		 * went: the next lock goes to a new name (the next generation).
		 */
		private boolean hasLocks(int resource) {
			for (Slot slot : this.slots) {
				if (slot.resource == resource && slot.lock != null && !slot.lock.isEnded()) {
					return true;
				}
			}
			return false;
		}

		private DlmMode mode() {
			return MODES[this.random.nextInt(MODES.length)];
		}

		private Set<DlmFlag> newRequestFlags(DlmMode mode) {
			Set<DlmFlag> flags = EnumSet.noneOf(DlmFlag.class);
			if (chance(30)) {
				flags.add(DlmFlag.NOQUEUE);
				if (chance(30)) {
					flags.add(DlmFlag.NOQUEUEBAST);
				}
			}
			if (chance(40)) {
				flags.add(DlmFlag.VALBLK);
			}
			if (chance(15)) {
				flags.add(DlmFlag.HEADQUE);
			}
			if (mode == DlmMode.NL && !flags.contains(DlmFlag.NOQUEUE) && chance(30)) {
				flags.add(DlmFlag.EXPEDITE);
			}
			alternateAndOrder(flags);
			return flags;
		}

		private Set<DlmFlag> conversionFlags(DlmMode from, DlmMode to) {
			Set<DlmFlag> flags = EnumSet.noneOf(DlmFlag.class);
			if (chance(30)) {
				flags.add(DlmFlag.NOQUEUE);
				if (chance(30)) {
					flags.add(DlmFlag.NOQUEUEBAST);
				}
			}
			if (chance(50)) {
				flags.add(DlmFlag.VALBLK);
			}
			if (DlmRequestRules.allowsQueuedConversion(from, to) && chance(25)) {
				flags.add(DlmFlag.QUECVT);
			}
			if (!flags.contains(DlmFlag.NOQUEUE) && chance(25) && OperationSequences.this.options.convdeadlk()) {
				flags.add(DlmFlag.CONVDEADLK);
			}
			if (chance(10)) {
				flags.add(DlmFlag.HEADQUE);
			}
			if (OperationSequences.this.options.ivvalblk() && chance(8)) {
				flags.add(DlmFlag.IVVALBLK);
			}
			alternateAndOrder(flags);
			return flags;
		}

		private void alternateAndOrder(Set<DlmFlag> flags) {
			if (chance(10)) {
				flags.add(DlmFlag.ALTPR);
			}
			if (chance(10)) {
				flags.add(DlmFlag.ALTCW);
			}
			if (chance(8)) {
				flags.add(DlmFlag.NOORDER);
			}
		}

		private byte[] valueBlock(Set<DlmFlag> flags) {
			return (flags.contains(DlmFlag.VALBLK) && this.random.nextBoolean()) ? randomBytes() : null;
		}

		private byte[] randomBytes() {
			byte[] bytes = new byte[DlmCompletion.VALUE_BLOCK_LENGTH];
			// a few distinct bytes are enough to tell value blocks apart in a trace
			for (int i = 0; i < 4; i++) {
				bytes[i] = (byte) this.random.nextInt(256);
			}
			return bytes;
		}

		private boolean chance(int percent) {
			return this.random.nextInt(100) < percent;
		}

		/** Runs one step on a slot, then the barrier, and appends the step's trace entry. */
		private void perform(Slot slot, String what, Function<Slot, String> call) {
			String returned;
			try {
				returned = call.apply(slot);
			}
			catch (RuntimeException ex) {
				returned = "threw " + ex.getClass().getSimpleName();
			}
			join(OperationSequences.this.barrier.request(DlmMode.NL, Set.of(), null));
			StringBuilder entry = new StringBuilder("s").append(slot.index).append(' ').append(what).append(" -> ")
				.append(returned);
			synchronized (this.events) {
				// the step's own completion, if it came, is its lock's first callback of the step
				if (slot.ownCompletion != null) {
					this.events.get(slot.index).add(0, slot.ownCompletion);
				}
				slot.stepFuture = null;
				slot.ownCompletion = null;
				for (int i = 0; i < SLOTS; i++) {
					List<String> callbacks = this.events.get(i);
					if (!callbacks.isEmpty()) {
						entry.append(" | s").append(i).append(' ').append(String.join(" ", callbacks));
						callbacks.clear();
					}
				}
			}
			entry.append(" || ");
			for (Slot each : this.slots) {
				entry.append(each.state()).append(' ');
			}
			this.trace.add(entry.toString().trim());
		}

		private void record(Slot slot, String event) {
			synchronized (this.events) {
				this.events.get(slot.index).add(event);
			}
		}

		/** One lock slot: the lock it holds now, if any, and its operation in flight. */
		private final class Slot {

			final int index;

			DlmLockHandle lock;

			int resource = -1;

			CompletableFuture<DlmCompletion> inFlight;

			/** The flags of the operation in flight. */
			Set<DlmFlag> inFlightFlags = Set.of();

			/** The future of the current step's own call, while the step runs; guarded by the events. */
			CompletableFuture<DlmCompletion> stepFuture;

			/** The completion of the current step's own call, if it came before the barrier. */
			String ownCompletion;

			Slot(int index) {
				this.index = index;
			}

			void newLock(int resource, String name) {
				this.resource = resource;
				String fullName = OperationSequences.this.options.resourcePrefix() + Sequence.this.seed + "-" + name;
				this.lock = OperationSequences.this.lockspace.newLock(DlmResourceName.of(fullName),
						(handle) -> record(this, (handle == this.lock) ? "B" : "B(ended lock)"));
			}

			/**
			 * Follows the future of the step's own call. Whether it is done when the call
			 * returns is not traced: the native backend completes it on its dispatcher
			 * thread, which may or may not have done so by then.
			 */
			String track(CompletableFuture<DlmCompletion> future, Set<DlmFlag> flags) {
				this.inFlight = future;
				this.inFlightFlags = flags;
				synchronized (Sequence.this.events) {
					this.stepFuture = future;
				}
				future.whenComplete((completion, failure) -> {
					synchronized (Sequence.this.events) {
						if (future == this.stepFuture) {
							this.ownCompletion = describe(future);
						}
						else {
							Sequence.this.events.get(this.index).add(describe(future));
						}
					}
				});
				return "ok";
			}

			/**
			 * Whether the waiting operation may be cancelled: not a conversion requested with
			 * CONVDEADLK. If the kernel demoted it to NL while it waited, the cancel's
			 * completion does not say so (no DEMOTED): the native backend then reports the
			 * old mode while the kernel holds NL, and the local engine reports NL (listed in
			 * LocalDlmClient's Javadoc).
			 */
			boolean mayCancel() {
				return !this.inFlightFlags.contains(DlmFlag.CONVDEADLK);
			}

			boolean isPending() {
				return this.inFlight != null && !this.inFlight.isDone();
			}

			boolean isGranted() {
				return this.lock != null && !this.lock.isEnded() && this.lock.grantedMode() != null && !isPending();
			}

			String state() {
				if (this.lock == null || this.lock.isEnded()) {
					return "-";
				}
				DlmMode granted = this.lock.grantedMode();
				return ((granted != null) ? granted.name() : "IV") + (isPending() ? "*" : "");
			}

		}

	}

	private static String describe(CompletableFuture<DlmCompletion> future) {
		DlmCompletion completion;
		try {
			completion = future.getNow(null);
		}
		catch (RuntimeException ex) {
			Throwable cause = (ex.getCause() != null) ? ex.getCause() : ex;
			return "E:" + cause.getClass().getSimpleName();
		}
		StringBuilder text = new StringBuilder("C:").append(completion.status());
		text.append(" mode=").append((completion.grantedMode() != null) ? completion.grantedMode() : "-");
		Set<DlmStatusFlag> flags = completion.flags();
		if (!flags.isEmpty()) {
			text.append(" flags=").append(EnumSet.copyOf(flags));
		}
		if (completion.valueBlock() != null) {
			text.append(" vb=").append(hex(completion.valueBlock()));
			if (completion.isValueBlockInvalid()) {
				text.append('!');
			}
		}
		return text.toString();
	}

	private static String hex(byte[] bytes) {
		if (bytes == null) {
			return "-";
		}
		// the generator writes four bytes; the rest shows only when a backend returns garbage
		boolean tailZero = true;
		for (int i = 4; i < bytes.length; i++) {
			tailZero &= bytes[i] == 0;
		}
		return tailZero ? HexFormat.of().formatHex(bytes, 0, 4) : HexFormat.of().formatHex(bytes);
	}

}
