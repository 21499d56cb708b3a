package io.github.dlm.local;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.jetbrains.lincheck.datastructures.StressOptions;
import org.jetbrains.lincheck.datastructures.ThreadIdGen;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import io.github.dlm.core.DlmCompletion;
import io.github.dlm.core.DlmFlag;
import io.github.dlm.core.DlmMode;
import io.github.dlm.core.DlmResourceName;
import io.github.dlm.core.LockspaceOptions;

import static io.github.dlm.local.Completions.await;

/**
 * Lincheck (stress mode): random concurrent histories of the local engine's operations (new
 * requests with and without NOQUEUE, NOQUEUE conversions, unlocks carrying a value block,
 * cancels, and reads of a lock's granted mode and of the lock dump) must be linearizable
 * with respect to {@link EngineModel}, a sequential model of one DLM resource written from
 * the kernel's rules: the compatibility matrix, a new request granted at once only when
 * nothing waits, waiting requests granted in queue order while the head fits, the value
 * block table ({@code dlm_lvb_operations}) and the resource, value block included, going
 * away with its last lock. Lincheck minimizes a failing scenario before reporting it.
 * <p>
 * Each Lincheck thread owns two lock slots. Every engine operation runs under the engine's
 * lock, so the history is linearizable exactly when the engine is sequentially right and
 * its lock guards all of it. Completions are waited for only where they are known to come
 * (NOQUEUE requests and conversions, unlocks); whether a queued request was granted is
 * read from the engine ({@code mode}, {@code dump}), since its completion is delivered by
 * the dispatcher thread at some later time.
 * <p>
 * Default: {@code dlm.model.lincheck.iterations} = 60 scenarios of 3 threads x 4
 * operations plus 2 before and 1 after, each run {@code dlm.model.lincheck.invocations} =
 * 10 times. Lincheck's model-checking mode is not used: every lockspace handle of the local
 * engine starts a dispatcher thread that parks until the handle closes, which the model
 * checker cannot schedule (each invocation then waits out the dispatcher's 30 s stop
 * timeout, and nothing is explored).
 */
class LocalEngineLincheckTests {

	private static final int THREADS = 3;

	private static final int SLOTS_PER_THREAD = 2;

	/** Scenarios generated: each is a new random history of the operations below. */
	private static final int ITERATIONS = Integer.getInteger("dlm.model.lincheck.iterations", 60);

	/** Runs of each scenario, each with its own timing. */
	private static final int INVOCATIONS = Integer.getInteger("dlm.model.lincheck.invocations", 10);

	static final DlmResourceName RESOURCE = DlmResourceName.of("r");

	/**
	 * The engine of the running invocation: Lincheck runs one at a time and has no tear-down
	 * hook, so each new instance closes its predecessor (stopping its dispatcher threads),
	 * and the last one is closed after the class.
	 */
	static final AtomicReference<@Nullable LocalDlmClient> CURRENT = new AtomicReference<>();

	@AfterAll
	static void closeLast() {
		LocalDlmClient client = CURRENT.getAndSet(null);
		if (client != null) {
			client.close();
		}
	}

	@Test
	void engineHistoriesAreLinearizableUnderStress() {
		new StressOptions().threads(THREADS)
			.actorsPerThread(4)
			.actorsBefore(2)
			.actorsAfter(1)
			.iterations(ITERATIONS)
			.invocationsPerIteration(INVOCATIONS)
			.sequentialSpecification(EngineModel.class)
			.check(EngineUnderTest.class);
	}

	static DlmMode modeOf(int index) {
		return DlmMode.values()[index];
	}

	static byte[] valueBlock(int value) {
		byte[] bytes = new byte[DlmCompletion.VALUE_BLOCK_LENGTH];
		Arrays.fill(bytes, (byte) value);
		return bytes;
	}

	static int slot(int thread, int slot) {
		return thread * SLOTS_PER_THREAD + slot;
	}

	/** The engine, driven through its SPI: one lockspace handle per slot. */
	@Param(name = "slot", gen = IntGen.class, conf = "0:1")
	@Param(name = "mode", gen = IntGen.class, conf = "0:5")
	@Param(name = "value", gen = IntGen.class, conf = "1:3")
	public static class EngineUnderTest {

		private final LocalDlmClient client = new LocalDlmClient("lincheck-");

		private final LocalLockspace lockspace = this.client.openLockspace("lincheck", LockspaceOptions.DEFAULTS);

		private final @Nullable LocalLockHandle[] handles = new LocalLockHandle[(THREADS + 1) * SLOTS_PER_THREAD];

		public EngineUnderTest() {
			LocalDlmClient previous = CURRENT.getAndSet(this.client);
			if (previous != null) {
				previous.close();
			}
		}

		private boolean live(int slot) {
			LocalLockHandle handle = this.handles[slot];
			return handle != null && !handle.isEnded();
		}

		@Operation
		public String tryLock(@Param(gen = ThreadIdGen.class) int thread, @Param(name = "slot") int s,
				@Param(name = "mode") int mode) {
			int slot = slot(thread, s);
			if (live(slot)) {
				return "live";
			}
			LocalLockHandle handle = this.lockspace.newLock(RESOURCE, null);
			this.handles[slot] = handle;
			return describe(await(handle.request(modeOf(mode), EnumSet.of(DlmFlag.VALBLK, DlmFlag.NOQUEUE), null)));
		}

		@Operation
		public String lock(@Param(gen = ThreadIdGen.class) int thread, @Param(name = "slot") int s,
				@Param(name = "mode") int mode) {
			int slot = slot(thread, s);
			if (live(slot)) {
				return "live";
			}
			LocalLockHandle handle = this.lockspace.newLock(RESOURCE, null);
			this.handles[slot] = handle;
			// granted now or queued: the completion may come from the dispatcher, so only
			// the engine's state (mode, dump) tells
			handle.request(modeOf(mode), EnumSet.of(DlmFlag.VALBLK), null);
			return "requested";
		}

		@Operation
		public String tryConvert(@Param(gen = ThreadIdGen.class) int thread, @Param(name = "slot") int s,
				@Param(name = "mode") int mode, @Param(name = "value") int value) {
			int slot = slot(thread, s);
			if (!live(slot)) {
				return "no lock";
			}
			try {
				return describe(await(this.handles[slot].request(modeOf(mode),
						EnumSet.of(DlmFlag.VALBLK, DlmFlag.NOQUEUE), valueBlock(value))));
			}
			catch (IllegalStateException ex) {
				return "busy";
			}
		}

		@Operation
		public String unlock(@Param(gen = ThreadIdGen.class) int thread, @Param(name = "slot") int s,
				@Param(name = "value") int value) {
			int slot = slot(thread, s);
			if (!live(slot)) {
				return "no lock";
			}
			try {
				return describe(await(this.handles[slot].unlock(valueBlock(value))));
			}
			catch (IllegalStateException ex) {
				return "busy";
			}
		}

		@Operation
		public boolean cancel(@Param(gen = ThreadIdGen.class) int thread, @Param(name = "slot") int s) {
			LocalLockHandle handle = this.handles[slot(thread, s)];
			return handle != null && handle.cancel();
		}

		@Operation
		public String mode(@Param(gen = ThreadIdGen.class) int thread, @Param(name = "slot") int s) {
			LocalLockHandle handle = this.handles[slot(thread, s)];
			return String.valueOf((handle != null) ? handle.grantedMode() : null);
		}

		@Operation
		public String dump() {
			List<String> granted = new ArrayList<>();
			List<String> waiting = new ArrayList<>();
			for (LocalLockInfo info : this.client.dump("lincheck")) {
				if (info.queue() == LocalLockInfo.Queue.WAITING) {
					waiting.add(String.valueOf(info.requestedMode()));
				}
				else {
					granted.add(info.grantedMode() + ((info.requestedMode() != null) ? "->" + info.requestedMode() : ""));
				}
			}
			granted.sort(null);
			return "granted " + granted + " waiting " + waiting;
		}

		private static String describe(DlmCompletion completion) {
			byte[] read = completion.valueBlock();
			return completion.status() + " " + completion.grantedMode() + ((read != null) ? " lvb=" + read[0] : "")
					+ (completion.isValueBlockInvalid() ? " invalid" : "");
		}

	}

	/**
	 * The sequential model: one resource, its granted locks, its wait queue and its value
	 * block, as the DLM defines them for the operations above.
	 */
	public static class EngineModel {

		private enum State {

			NONE, WAITING, GRANTED

		}

		private final State[] states = new State[(THREADS + 1) * SLOTS_PER_THREAD];

		private final DlmMode[] modes = new DlmMode[this.states.length];

		/** The value block each slot's lock buffer holds (what a conversion read returns). */
		private final byte[] buffers = new byte[this.states.length];

		private final List<Integer> waitQueue = new ArrayList<>();

		/** The resource's value block, {@code null} until written or once the resource is gone. */
		private @Nullable Byte valueBlock;

		public EngineModel() {
			Arrays.fill(this.states, State.NONE);
		}

		@Operation
		public String tryLock(int thread, int s, int mode) {
			int slot = slot(thread, s);
			if (this.states[slot] != State.NONE) {
				return "live";
			}
			DlmMode requested = modeOf(mode);
			if (!this.waitQueue.isEmpty() || !compatibleWithGranted(slot, requested)) {
				forgetValueIfUnused();
				return "NOT_GRANTED null";
			}
			grantNew(slot, requested);
			return "GRANTED " + requested + " lvb=" + this.buffers[slot];
		}

		@Operation
		public String lock(int thread, int s, int mode) {
			int slot = slot(thread, s);
			if (this.states[slot] != State.NONE) {
				return "live";
			}
			DlmMode requested = modeOf(mode);
			if (this.waitQueue.isEmpty() && compatibleWithGranted(slot, requested)) {
				grantNew(slot, requested);
			}
			else {
				this.states[slot] = State.WAITING;
				this.modes[slot] = requested;
				this.waitQueue.add(slot);
			}
			return "requested";
		}

		@Operation
		public String tryConvert(int thread, int s, int mode, int value) {
			int slot = slot(thread, s);
			if (this.states[slot] == State.NONE) {
				return "no lock";
			}
			if (this.states[slot] == State.WAITING) {
				return "busy";
			}
			DlmMode from = this.modes[slot];
			DlmMode to = modeOf(mode);
			this.buffers[slot] = (byte) value;
			if (!compatibleWithGranted(slot, to)) {
				return "NOT_GRANTED " + from;
			}
			String read = "";
			if (from.writesValueBlock() && !(from == DlmMode.PW && to == DlmMode.EX)) {
				this.valueBlock = (byte) value;
			}
			else if (to.ordinal() >= from.ordinal() || from == DlmMode.NL) {
				if (this.valueBlock != null) {
					this.buffers[slot] = this.valueBlock;
				}
				read = " lvb=" + this.buffers[slot];
			}
			this.modes[slot] = to;
			grantWaiting();
			return "GRANTED " + to + read;
		}

		@Operation
		public String unlock(int thread, int s, int value) {
			int slot = slot(thread, s);
			if (this.states[slot] == State.NONE) {
				return "no lock";
			}
			if (this.states[slot] == State.WAITING) {
				return "busy";
			}
			if (this.modes[slot].writesValueBlock()) {
				this.valueBlock = (byte) value;
			}
			this.states[slot] = State.NONE;
			this.modes[slot] = null;
			forgetValueIfUnused();
			grantWaiting();
			return "UNLOCKED null";
		}

		@Operation
		public boolean cancel(int thread, int s) {
			int slot = slot(thread, s);
			if (this.states[slot] != State.WAITING) {
				return false;
			}
			this.waitQueue.remove(Integer.valueOf(slot));
			this.states[slot] = State.NONE;
			this.modes[slot] = null;
			forgetValueIfUnused();
			grantWaiting();
			return true;
		}

		@Operation
		public String mode(int thread, int s) {
			int slot = slot(thread, s);
			return String.valueOf((this.states[slot] == State.GRANTED) ? this.modes[slot] : null);
		}

		@Operation
		public String dump() {
			List<String> granted = new ArrayList<>();
			for (int slot = 0; slot < this.states.length; slot++) {
				if (this.states[slot] == State.GRANTED) {
					granted.add(String.valueOf(this.modes[slot]));
				}
			}
			granted.sort(null);
			List<String> waiting = new ArrayList<>();
			for (int slot : this.waitQueue) {
				waiting.add(String.valueOf(this.modes[slot]));
			}
			return "granted " + granted + " waiting " + waiting;
		}

		private void grantNew(int slot, DlmMode mode) {
			this.states[slot] = State.GRANTED;
			this.modes[slot] = mode;
			// a new lock's buffer is zeroed; the grant reads the resource's value if it has one
			this.buffers[slot] = (this.valueBlock != null) ? this.valueBlock : 0;
		}

		/** Waiting requests are granted in queue order, as long as the head fits. */
		private void grantWaiting() {
			while (!this.waitQueue.isEmpty()) {
				int head = this.waitQueue.get(0);
				if (!compatibleWithGranted(head, this.modes[head])) {
					return;
				}
				this.waitQueue.remove(0);
				grantNew(head, this.modes[head]);
			}
		}

		private boolean compatibleWithGranted(int slot, DlmMode requested) {
			for (int other = 0; other < this.states.length; other++) {
				if (other != slot && this.states[other] == State.GRANTED
						&& !this.modes[other].isCompatibleWith(requested)) {
					return false;
				}
			}
			return true;
		}

		/** The resource, and with it its value block, goes away with its last lock. */
		private void forgetValueIfUnused() {
			for (State state : this.states) {
				if (state != State.NONE) {
					return;
				}
			}
			this.valueBlock = null;
		}

	}

}
