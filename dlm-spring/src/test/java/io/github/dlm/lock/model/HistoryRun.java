package io.github.dlm.lock.model;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Predicate;
import java.util.function.Supplier;

import org.awaitility.core.ConditionTimeoutException;
import org.jspecify.annotations.Nullable;

import io.github.dlm.core.DlmDeadlockException;
import io.github.dlm.core.DlmException;
import io.github.dlm.core.DlmMode;
import io.github.dlm.core.LockspaceOptions;
import io.github.dlm.local.LocalDlmClient;
import io.github.dlm.local.LocalLockInfo;
import io.github.dlm.lock.DlmHold;
import io.github.dlm.lock.DlmLock;
import io.github.dlm.lock.DlmLockRegistry;

import static org.awaitility.Awaitility.await;

/**
 * Runs one {@link Script} on real threads against the lock layer over a fresh local
 * engine, checking every step against the {@link Shadow} model and, at the end, that the
 * lock manager holds nothing but value block anchors, and nothing at all once the
 * registries are closed.
 * <p>
 * The world of a run: lockspace {@code model} opened twice, as two processes would (handle
 * 0 with registries R0 and R1, handle 1 with R2, which a step may close while its threads
 * hold locks), and lockspace {@code model2} (handle 2, registry R3) whose resources have
 * the same names and must not interact with the first's. Keys {@code k0} and {@code k1}.
 * <p>
 * Threads never wait without bound while holding a lock on another resource or an
 * asynchronous hold (such a wait becomes a 10 ms {@code tryLock}, or a 10 ms wait for the
 * future and then its cancellation), since that is an application deadlock the DLM cannot
 * see; every other wait must end, so a run that makes no progress for
 * {@link Settings#hangMillis()} is a failure, reported with the threads' stacks.
 * Asynchronous holds are owners of their own in the model, released by the script of the
 * thread that asked for them (the release itself runs on the starter's threads).
 */
final class HistoryRun {

	/**
	 * How runs are made.
	 * @param hangMillis how long a run may go without any step finishing
	 * @param skip kinds of steps left out: {@code reentry-other-object} (re-entering a held
	 * resource through another lock object: other registry, mode, view, or after expiry),
	 * {@code reentry-stronger} (re-entering in a mode the held one does not cover),
	 * {@code convert-up-with-value} (converting up with a value set and not yet published),
	 * {@code close-other-process}
	 */
	record Settings(long hangMillis, Set<String> skip) {
	}

	/**
	 * What a run ended with.
	 * @param failures the violations seen, in the order seen
	 * @param journal the history
	 */
	record Outcome(List<Failure> failures, List<String> journal) {

		@Nullable Failure failure() {
			return this.failures.isEmpty() ? null : this.failures.get(0);
		}

		@Nullable Failure failure(String kind) {
			return this.failures.stream().filter((f) -> f.kind().equals(kind)).findFirst().orElse(null);
		}

	}

	private static final String[] LOCKSPACE_OF_REGISTRY = { "model", "model", "model", "model2" };

	private static final int[] HANDLE_OF_REGISTRY = { 0, 0, 1, 2 };

	/** How long released locks may take to leave the lock manager's dump. */
	private static final long SETTLE_MILLIS = 30_000;

	/** The handle a step may close: the other process. */
	private static final int CLOSABLE_HANDLE = 1;

	private final Script script;

	private final Settings settings;

	private final Map<String, LongAdder> stats;

	private final Journal journal = new Journal();

	private final Shadow shadow = new Shadow(this.journal);

	private final LocalDlmClient client = new LocalDlmClient("model-");

	private final DlmLockRegistry[] registries = new DlmLockRegistry[4];

	private final io.github.dlm.core.DlmLockspace[] handles = new io.github.dlm.core.DlmLockspace[3];

	private final List<Thread> threads = new ArrayList<>();

	/** Counted down once the other process's handle is closed, not merely closing. */
	private final CountDownLatch otherProcessClosed = new CountDownLatch(1);

	/** Registries closed, or being closed: they no longer retain published values. */
	private final Set<DlmLockRegistry> closedRegistries = ConcurrentHashMap.newKeySet();

	private HistoryRun(Script script, Settings settings, Map<String, LongAdder> stats) {
		this.script = script;
		this.settings = settings;
		this.stats = stats;
	}

	static Outcome run(Script script, Settings settings, Map<String, LongAdder> stats) {
		return new HistoryRun(script, settings, stats).run();
	}

	private Outcome run() {
		try {
			this.handles[0] = this.client.openLockspace("model", LockspaceOptions.DEFAULTS);
			this.handles[1] = this.client.openLockspace("model", LockspaceOptions.DEFAULTS);
			this.handles[2] = this.client.openLockspace("model2", LockspaceOptions.DEFAULTS);
			for (int r = 0; r < this.registries.length; r++) {
				this.registries[r] = new DlmLockRegistry(this.handles[HANDLE_OF_REGISTRY[r]]);
			}
			CountDownLatch start = new CountDownLatch(1);
			for (int t = 0; t < this.script.threads().size(); t++) {
				Worker worker = new Worker(t, this.script.threads().get(t), start);
				Thread thread = new Thread(worker, "model-T" + t);
				thread.setDaemon(true);
				this.threads.add(thread);
			}
			this.threads.forEach(Thread::start);
			start.countDown();
			if (!awaitWorkers()) {
				List<Failure> failures = this.shadow.failures();
				failures.add(0, hang());
				return new Outcome(failures, this.journal.entries());
			}
			List<Failure> failures = this.shadow.failures();
			if (failures.isEmpty()) {
				Failure leak = checkNothingLeft();
				if (leak != null) {
					failures.add(leak);
				}
			}
			return new Outcome(failures, this.journal.entries());
		}
		finally {
			this.client.close();
		}
	}

	/** Waits for the workers while they make progress. */
	private boolean awaitWorkers() {
		int progress = -1;
		long lastProgress = System.nanoTime();
		for (Thread thread : this.threads) {
			while (thread.isAlive()) {
				try {
					thread.join(50);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					throw new IllegalStateException(ex);
				}
				int now = this.journal.size();
				if (now != progress) {
					progress = now;
					lastProgress = System.nanoTime();
				}
				else if (System.nanoTime() - lastProgress > TimeUnit.MILLISECONDS.toNanos(this.settings.hangMillis())) {
					return false;
				}
			}
		}
		return true;
	}

	private Failure hang() {
		StringBuilder dump = new StringBuilder("no step finished for " + this.settings.hangMillis() + " ms:");
		for (Thread thread : this.threads) {
			if (thread.isAlive()) {
				dump.append("\n  ").append(thread.getName()).append(" ").append(thread.getState());
				StackTraceElement[] stack = thread.getStackTrace();
				for (int i = 0; i < Math.min(stack.length, 14); i++) {
					dump.append("\n      at ").append(stack[i]);
				}
			}
		}
		this.journal.note("HANG: " + dump);
		// closing the engine cancels what waits, so the threads end
		this.client.close();
		for (Thread thread : this.threads) {
			try {
				thread.join(5_000);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
		return new Failure("hang", dump.toString());
	}

	/**
	 * With every thread done, only value block anchors (granted NL) may be left, and
	 * nothing once the registries are closed. A grant that won the race with the
	 * cancellation of an asynchronous request is released on the starter's own threads, a
	 * moment later: so the lock manager is given up to {@link #SETTLE_MILLIS} to get there.
	 */
	private @Nullable Failure checkNothingLeft() {
		for (String lockspace : List.of("model", "model2")) {
			List<LocalLockInfo> left = settle(lockspace, (lock) -> lock.queue() == LocalLockInfo.Queue.GRANTED
					&& lock.grantedMode() == DlmMode.NL && lock.requestedMode() == null);
			if (!left.isEmpty()) {
				return leak("with every thread done, the lock manager still has more than value block anchors in "
						+ lockspace + " after " + SETTLE_MILLIS + " ms: " + left);
			}
		}
		for (DlmLockRegistry registry : this.registries) {
			registry.close();
		}
		for (String lockspace : List.of("model", "model2")) {
			List<LocalLockInfo> left = settle(lockspace, (lock) -> false);
			if (!left.isEmpty()) {
				return leak("with every thread done and the registries closed, the lock manager still has locks in "
						+ lockspace + " after " + SETTLE_MILLIS + " ms: " + left);
			}
		}
		return null;
	}

	/** The locks of a lockspace that are not {@code allowed}, once there are none or time is up. */
	private List<LocalLockInfo> settle(String lockspace, Predicate<LocalLockInfo> allowed) {
		Supplier<List<LocalLockInfo>> left = () -> this.client.dump(lockspace).stream().filter(allowed.negate()).toList();
		try {
			await().pollDelay(Duration.ZERO)
				.pollInterval(Duration.ofMillis(2))
				.atMost(Duration.ofMillis(SETTLE_MILLIS))
				.until(() -> left.get().isEmpty());
		}
		catch (ConditionTimeoutException ex) {
			// the caller reports what is left
		}
		return left.get();
	}

	private Failure leak(String message) {
		this.journal.note("VIOLATION (leak): " + message);
		return new Failure("leak", message);
	}

	private void count(String outcome) {
		this.stats.computeIfAbsent(outcome, (k) -> new LongAdder()).increment();
	}

	static byte[] valueBlock(int value) {
		byte[] bytes = new byte[32];
		Arrays.fill(bytes, (byte) value);
		return bytes;
	}

	/** One hold of the thread: one successful acquisition, until its unlock. */
	private static final class Entry {

		final DlmLock lock;

		final String resource;

		final DlmMode requested;

		/** The mode of this hold: the requested one, or what it was converted to. */
		DlmMode mode;

		Entry(DlmLock lock, String resource, DlmMode requested) {
			this.lock = lock;
			this.resource = resource;
			this.requested = requested;
			this.mode = requested;
		}

	}

	/** An asynchronous hold a thread's script asked for and has not released yet. */
	private static final class AsyncEntry {

		final int id;

		final DlmHold hold;

		final String resource;

		final int owner;

		/** The value set and not yet published. */
		@Nullable Integer pending;

		AsyncEntry(int id, DlmHold hold, String resource, int owner) {
			this.id = id;
			this.hold = hold;
			this.resource = resource;
			this.owner = owner;
		}

	}

	/** What a thread holds on one resource, over all its holds of it. */
	private static final class ResourceHold {

		/** The handle of the DLM lock: the one the first hold was acquired through. */
		final int owner;

		/** The value set and not yet published. */
		@Nullable Integer pending;

		ResourceHold(int owner) {
			this.owner = owner;
		}

	}

	private final class Worker implements Runnable {

		private final int index;

		private final List<Op> ops;

		private final CountDownLatch start;

		private final List<Entry> stack = new ArrayList<>();

		private final Map<String, ResourceHold> holds = new HashMap<>();

		private final Map<String, DlmLock> kept = new HashMap<>();

		private final List<AsyncEntry> asyncHolds = new ArrayList<>();

		private int asyncCount;

		Worker(int index, List<Op> ops, CountDownLatch start) {
			this.index = index;
			this.ops = ops;
			this.start = start;
		}

		@Override
		public void run() {
			try {
				awaitStart();
				for (int i = 0; i < this.ops.size(); i++) {
					awaitCloseDone();
					Thread.interrupted();
					releaseDead();
					step(i, this.ops.get(i));
				}
				awaitCloseDone();
				Thread.interrupted();
				releaseDead();
				while (!this.stack.isEmpty()) {
					release("end of script: ");
				}
				while (!this.asyncHolds.isEmpty()) {
					releaseAsync("end of script: ", false);
				}
			}
			catch (Throwable ex) {
				HistoryRun.this.shadow.fail("runner", "T" + this.index + " stopped: " + ex);
				HistoryRun.this.journal.note("T" + this.index + " runner failure " + ex);
			}
		}

		private void awaitStart() {
			while (true) {
				try {
					this.start.await();
					return;
				}
				catch (InterruptedException ex) {
					// an interrupt sent before the run started: cleared before the first step
				}
			}
		}

		private void step(int i, Op op) {
			String at = "T" + this.index + " #" + i + " ";
			if (op instanceof Op.Acquire acquire) {
				acquire(at, acquire);
			}
			else if (op instanceof Op.Release) {
				if (!this.stack.isEmpty()) {
					release(at);
				}
			}
			else if (op instanceof Op.Convert convert) {
				convert(at, convert);
			}
			else if (op instanceof Op.SetValue set) {
				setValue(at, set);
			}
			else if (op instanceof Op.GetValue) {
				getValue(at);
			}
			else if (op instanceof Op.Expire expire) {
				HistoryRun.this.shadow.mayLose(LOCKSPACE_OF_REGISTRY[expire.registry()]);
				HistoryRun.this.registries[expire.registry()].expireUnusedOlderThan(0);
				HistoryRun.this.shadow.mayLose(LOCKSPACE_OF_REGISTRY[expire.registry()]);
				note(at + op);
			}
			else if (op instanceof Op.CloseRegistry close) {
				HistoryRun.this.closedRegistries.add(HistoryRun.this.registries[close.registry()]);
				HistoryRun.this.shadow.mayLose(LOCKSPACE_OF_REGISTRY[close.registry()]);
				HistoryRun.this.registries[close.registry()].close();
				HistoryRun.this.shadow.mayLose(LOCKSPACE_OF_REGISTRY[close.registry()]);
				note(at + op);
			}
			else if (op instanceof Op.CloseOtherProcess) {
				if (!skips("close-other-process")) {
					HistoryRun.this.shadow.closing(CLOSABLE_HANDLE, "model");
					HistoryRun.this.handles[CLOSABLE_HANDLE].close();
					HistoryRun.this.shadow.closed(CLOSABLE_HANDLE);
					HistoryRun.this.otherProcessClosed.countDown();
					HistoryRun.this.shadow.mayLose("model");
					note(at + op);
				}
			}
			else if (op instanceof Op.Interrupt interrupt) {
				if (interrupt.thread() < HistoryRun.this.threads.size()) {
					HistoryRun.this.threads.get(interrupt.thread()).interrupt();
					note(at + op);
				}
			}
			else if (op instanceof Op.Misused misused) {
				misuse(at, misused);
			}
			else if (op instanceof Op.AcquireAsync acquire) {
				acquireAsync(at, acquire);
			}
			else if (op instanceof Op.ReleaseAsync release) {
				if (!this.asyncHolds.isEmpty()) {
					releaseAsync(at, release.viaClose());
				}
			}
			else if (op instanceof Op.SetValueAsync set) {
				setValueAsync(at, set);
			}
			else if (op instanceof Op.Pause pause) {
				try {
					Thread.sleep(pause.millis());
				}
				catch (InterruptedException ex) {
					// an interrupt meant for a lock operation
				}
				note(at + op);
			}
		}

		private void acquire(String at, Op.Acquire op) {
			int registry = op.registry();
			String resource = LOCKSPACE_OF_REGISTRY[registry] + "/k" + op.key();
			ResourceHold hold = this.holds.get(resource);
			boolean fresh = hold == null;
			DlmLock lock = lockObject(op);
			DlmMode before = effective(resource);
			boolean covered = !fresh && Modes.covers(before, op.mode());
			if (!fresh) {
				boolean sameObject = this.stack.stream().anyMatch((e) -> e.resource.equals(resource) && e.lock == lock);
				if ((!sameObject && skips("reentry-other-object")) || (!covered && skips("reentry-stronger"))) {
					return;
				}
			}
			Op.How how = op.how();
			if (how.unbounded() && holdsOtherThan(resource)) {
				how = Op.How.TIMED;
			}
			int owner = fresh ? HANDLE_OF_REGISTRY[registry] : hold.owner;
			String call = at + describe(op, how) + (fresh ? "" : " (re-entering " + before + ")");
			begin(resource, owner);
			try {
				boolean acquired;
				try {
					acquired = switch (how) {
						case WAIT -> {
							lock.lock();
							yield true;
						}
						case INTERRUPTIBLY -> {
							lock.lockInterruptibly();
							yield true;
						}
						case TRY -> lock.tryLock();
						case TIMED -> lock.tryLock(op.millis(), TimeUnit.MILLISECONDS);
					};
				}
				catch (Throwable ex) {
					boolean expected = (ex instanceof InterruptedException
							&& (how == Op.How.INTERRUPTIBLY || how == Op.How.TIMED))
							|| (ex instanceof DlmDeadlockException && !fresh && !covered && how != Op.How.TRY)
							|| ((ex instanceof IllegalStateException || ex instanceof DlmException)
									&& (HistoryRun.this.shadow.isClosed(HANDLE_OF_REGISTRY[registry])
											|| HistoryRun.this.shadow.isClosed(owner)));
					outcome(call, ex, expected, "acquire");
					return;
				}
				if (!acquired) {
					note(call + " -> false");
					count("acquire refused");
					if (covered && !HistoryRun.this.shadow.isClosed(owner)) {
						HistoryRun.this.shadow.fail("reentry", describe(op, how) + " by T" + this.index
								+ " returned false although the thread holds the resource in " + before
								+ ", which covers " + op.mode());
					}
					return;
				}
				DlmMode after = Modes.join(before, op.mode());
				HistoryRun.this.shadow.hold(this.index, resource, after, owner);
				this.stack.add(new Entry(lock, resource, op.mode()));
				if (fresh) {
					hold = new ResourceHold(owner);
					this.holds.put(resource, hold);
				}
				count(fresh ? "acquired" : "re-entered");
				DlmMode held = lock.getHeldMode();
				note(call + " -> true, held mode " + held);
				if (HistoryRun.this.shadow.isClosed(owner)) {
					return;
				}
				if (held == null || !Modes.covers(held, op.mode())) {
					HistoryRun.this.shadow.fail("reentry", "after " + describe(op, how) + " returned, T" + this.index
							+ " holds " + lock + " in " + held + ", less than the " + op.mode() + " it asked for");
				}
				else if (fresh && Modes.readsStableValue(op.mode())) {
					HistoryRun.this.shadow.read(this.index, resource, lock.getValueBlock(), lock.isValueBlockValid(),
							describe(op, how));
				}
			}
			finally {
				HistoryRun.this.shadow.end(this.index, resource);
			}
		}

		private DlmLock lockObject(Op.Acquire op) {
			DlmLockRegistry registry = HistoryRun.this.registries[op.registry()];
			String key = "k" + op.key();
			String keptKey = op.registry() + "/" + key + "/" + op.mode();
			DlmLock lock = switch (op.via()) {
				case OBTAIN -> registry.obtain(key, op.mode());
				case READ_WRITE -> (op.mode() == DlmMode.PR) ? registry.readWriteLock(key).readLock()
						: registry.readWriteLock(key).writeLock();
				case KEPT -> this.kept.computeIfAbsent(keptKey, (k) -> registry.obtain(key, op.mode()));
			};
			this.kept.putIfAbsent(keptKey, lock);
			return lock;
		}

		private void release(String at) {
			Entry entry = this.stack.remove(this.stack.size() - 1);
			ResourceHold hold = this.holds.get(entry.resource);
			DlmMode before = Modes.join(effective(entry.resource), entry.mode);
			DlmMode after = effective(entry.resource);
			String call = at + "unlock() " + entry.lock + ((after != null) ? " (inner hold; outer " + after + ")" : "");
			begin(entry.resource, hold.owner);
			try {
				if (hold.pending != null && before.writesValueBlock() && after != before) {
					HistoryRun.this.shadow.publish(entry.resource, hold.pending, hold.owner, retains(entry.lock));
					call += " publishing " + hold.pending;
					hold.pending = null;
				}
				HistoryRun.this.shadow.hold(this.index, entry.resource, after, hold.owner);
				if (after == null) {
					this.holds.remove(entry.resource);
				}
				try {
					entry.lock.unlock();
				}
				catch (Throwable ex) {
					outcome(call, ex, false, "unlock");
					return;
				}
				note(call);
				count("unlocked");
			}
			finally {
				HistoryRun.this.shadow.end(this.index, entry.resource);
			}
		}

		/** Releases the holds whose lockspace handle was closed under them: quietly, says the contract. */
		private void releaseDead() {
			for (int i = this.stack.size() - 1; i >= 0; i--) {
				Entry entry = this.stack.get(i);
				if (!HistoryRun.this.shadow.isClosed(this.holds.get(entry.resource).owner)) {
					continue;
				}
				awaitOtherProcessClosed();
				this.stack.remove(i);
				if (effective(entry.resource) == null) {
					this.holds.remove(entry.resource);
				}
				String call = "T" + this.index + " unlock() " + entry.lock + " after its lockspace handle closed";
				try {
					entry.lock.unlock();
				}
				catch (Throwable ex) {
					outcome(call, ex, false, "unlock");
					continue;
				}
				note(call);
				count("unlocked after close");
			}
			for (int i = this.asyncHolds.size() - 1; i >= 0; i--) {
				AsyncEntry entry = this.asyncHolds.get(i);
				if (!HistoryRun.this.shadow.isClosed(entry.owner)) {
					continue;
				}
				awaitOtherProcessClosed();
				this.asyncHolds.remove(i);
				String call = "T" + this.index + " release() " + entry.hold + " after its lockspace handle closed";
				try {
					entry.hold.release().join();
				}
				catch (Throwable ex) {
					outcome(call, (ex instanceof java.util.concurrent.CompletionException) ? ex.getCause() : ex, false,
							"release");
					continue;
				}
				note(call);
				count("async released after close");
			}
		}

		private void acquireAsync(String at, Op.AcquireAsync op) {
			int registry = op.registry();
			String resource = LOCKSPACE_OF_REGISTRY[registry] + "/k" + op.key();
			int owner = HANDLE_OF_REGISTRY[registry];
			int id = 1000 * (this.index + 1) + (++this.asyncCount);
			DlmLock lock = HistoryRun.this.registries[registry].obtain("k" + op.key(), op.mode());
			boolean bounded = !this.stack.isEmpty() || !this.asyncHolds.isEmpty();
			String call = at + op + ((bounded && op.how() == Op.AsyncHow.WAIT) ? " waited for 10ms" : "") + " as "
					+ Shadow.owner(id);
			begin(id, resource, owner);
			try {
				DlmHold hold;
				try {
					hold = switch (op.how()) {
						case WAIT -> awaitOrCancel(lock.lockAsync(), bounded);
						case TRY -> awaitOrCancelTry(lock.tryLockAsync(Duration.ofMillis(op.millis())));
						case CANCEL -> {
							CompletableFuture<DlmHold> future = lock.lockAsync();
							yield future.cancel(false) ? null : future.join();
						}
					};
				}
				catch (Throwable ex) {
					Throwable cause = (ex instanceof ExecutionException) ? ex.getCause() : ex;
					boolean expected = (cause instanceof InterruptedException)
							|| ((cause instanceof IllegalStateException || cause instanceof DlmException
									|| cause instanceof CancellationException)
									&& HistoryRun.this.shadow.isClosed(owner));
					outcome(call, cause, expected, "async acquire");
					return;
				}
				if (hold == null) {
					note(call + " -> none");
					count("async not acquired");
					return;
				}
				DlmMode mode = hold.getMode();
				HistoryRun.this.shadow.hold(id, resource, mode, owner);
				this.asyncHolds.add(new AsyncEntry(id, hold, resource, owner));
				note(call + " -> " + hold + " in " + mode);
				count("async acquired");
				if (HistoryRun.this.shadow.isClosed(owner)) {
					return;
				}
				if (mode != op.mode()) {
					HistoryRun.this.shadow.fail("async", call + " gave a hold in " + mode + ", not " + op.mode());
				}
				else if (Modes.readsStableValue(mode)) {
					HistoryRun.this.shadow.read(id, resource, hold.getValueBlock(), hold.isValueBlockValid(), call);
				}
			}
			finally {
				HistoryRun.this.shadow.end(id, resource);
			}
		}

		/**
		 * Waits for an asynchronous acquisition: as long as it takes if the thread holds
		 * nothing (so it cannot wait for itself), else 10 ms and then cancels it.
		 * @return the hold, or {@code null} if cancelled in time
		 */
		private @Nullable DlmHold awaitOrCancel(CompletableFuture<DlmHold> future, boolean bounded) throws Exception {
			try {
				return bounded ? future.get(10, TimeUnit.MILLISECONDS) : future.get();
			}
			catch (TimeoutException | InterruptedException ex) {
				if (future.cancel(false)) {
					return null;
				}
				return future.join();
			}
		}

		/** Waits for an asynchronous try, which ends by itself; cancels it if interrupted. */
		private @Nullable DlmHold awaitOrCancelTry(CompletableFuture<java.util.Optional<DlmHold>> future)
				throws Exception {
			try {
				return future.get().orElse(null);
			}
			catch (InterruptedException ex) {
				if (future.cancel(false)) {
					return null;
				}
				return future.join().orElse(null);
			}
		}

		private void releaseAsync(String at, boolean viaClose) {
			AsyncEntry entry = this.asyncHolds.remove(this.asyncHolds.size() - 1);
			String call = at + (viaClose ? "close() " : "release() ") + entry.hold + " of " + Shadow.owner(entry.id);
			begin(entry.id, entry.resource, entry.owner);
			try {
				DlmMode mode = entry.hold.getMode();
				if (entry.pending != null && mode.writesValueBlock()) {
					HistoryRun.this.shadow.publish(entry.resource, entry.pending, entry.owner,
							retains(entry.hold.getLock()));
					call += " publishing " + entry.pending;
				}
				HistoryRun.this.shadow.hold(entry.id, entry.resource, null, entry.owner);
				try {
					if (viaClose) {
						entry.hold.close();
						entry.hold.close();
					}
					else {
						CompletableFuture<Void> released = entry.hold.release();
						if (entry.hold.release() != released) {
							HistoryRun.this.shadow.fail("async", "a second release() of " + entry.hold
									+ " returned another future");
						}
						// join, not get: an interrupt meant for a lock operation must not end the wait
						released.join();
					}
				}
				catch (Throwable ex) {
					outcome(call, (ex instanceof java.util.concurrent.CompletionException) ? ex.getCause() : ex, false,
							"release");
					return;
				}
				note(call);
				count("async released");
				if (!entry.hold.isReleased()) {
					HistoryRun.this.shadow.fail("async", entry.hold + " is not released after " + call);
				}
			}
			finally {
				HistoryRun.this.shadow.end(entry.id, entry.resource);
			}
		}

		private void setValueAsync(String at, Op.SetValueAsync op) {
			if (this.asyncHolds.isEmpty()) {
				return;
			}
			AsyncEntry entry = this.asyncHolds.get(this.asyncHolds.size() - 1);
			if (!entry.hold.getMode().writesValueBlock() || HistoryRun.this.shadow.isClosed(entry.owner)) {
				return;
			}
			String call = at + "setValueBlock(" + op.value() + ") " + entry.hold + " of " + Shadow.owner(entry.id);
			try {
				entry.hold.setValueBlock(valueBlock(op.value()));
			}
			catch (Throwable ex) {
				outcome(call, ex, false, "setValueBlock");
				return;
			}
			entry.pending = op.value();
			note(call);
			count("async value set");
			if (!Arrays.equals(entry.hold.getValueBlock(), valueBlock(op.value()))) {
				HistoryRun.this.shadow.fail("value", "after " + call + " the hold reads " + entry.hold.getValueBlock()[0]);
			}
		}

		private void begin(String resource, int owner) {
			begin(this.index, resource, owner);
		}

		private void begin(int id, String resource, int owner) {
			while (!HistoryRun.this.shadow.begin(id, resource, owner)) {
				awaitOtherProcessClosed();
			}
		}

		/**
		 * No step starts while the other process's handle is closing: the model then knows
		 * that whatever was not in flight when the close began happened after it.
		 */
		private void awaitCloseDone() {
			if (HistoryRun.this.shadow.isClosed(CLOSABLE_HANDLE)) {
				awaitOtherProcessClosed();
			}
		}

		private void awaitOtherProcessClosed() {
			while (true) {
				try {
					HistoryRun.this.otherProcessClosed.await();
					return;
				}
				catch (InterruptedException ex) {
					// interrupts are meant for lock operations; cleared before the next one
				}
			}
		}

		private void convert(String at, Op.Convert op) {
			if (this.stack.isEmpty()) {
				return;
			}
			Entry entry = this.stack.get(this.stack.size() - 1);
			if (this.stack.stream().filter((e) -> e.resource.equals(entry.resource)).count() != 1) {
				return;
			}
			ResourceHold hold = this.holds.get(entry.resource);
			DlmMode before = entry.mode;
			DlmMode to = op.mode();
			boolean down = Modes.covers(before, to);
			if (hold.pending != null && !down && skips("convert-up-with-value")) {
				return;
			}
			Op.How how = op.how();
			if (how == Op.How.WAIT && holdsOtherThan(entry.resource)) {
				how = Op.How.TIMED;
			}
			String call = at + switch (how) {
				case TRY -> "tryConvert(" + to + ")";
				case TIMED -> "tryConvert(" + to + ", " + op.millis() + "ms)";
				default -> "convert(" + to + ")";
			} + " " + entry.lock + " from " + before;
			begin(entry.resource, hold.owner);
			try {
				HistoryRun.this.shadow.hold(this.index, entry.resource, Modes.meet(before, to), hold.owner);
				Integer published = null;
				if (hold.pending != null && before.writesValueBlock() && down && to != before) {
					published = hold.pending;
					HistoryRun.this.shadow.publish(entry.resource, published, hold.owner, retains(entry.lock));
					hold.pending = null;
				}
				boolean converted;
				try {
					converted = switch (how) {
						case TRY -> entry.lock.tryConvert(to);
						case TIMED -> entry.lock.tryConvert(to, op.millis(), TimeUnit.MILLISECONDS);
						default -> {
							entry.lock.convert(to);
							yield true;
						}
					};
				}
				catch (Throwable ex) {
					HistoryRun.this.shadow.hold(this.index, entry.resource, before, hold.owner);
					boolean expected = (ex instanceof InterruptedException && how == Op.How.TIMED)
							|| (ex instanceof DlmDeadlockException && !down && how != Op.How.TRY)
							|| ((ex instanceof IllegalStateException || ex instanceof DlmException)
									&& HistoryRun.this.shadow.isClosed(hold.owner));
					outcome(call, ex, expected, "convert");
					return;
				}
				if (!converted) {
					HistoryRun.this.shadow.hold(this.index, entry.resource, before, hold.owner);
					note(call + " -> false");
					count("conversion refused");
					if (down && !HistoryRun.this.shadow.isClosed(hold.owner)) {
						HistoryRun.this.shadow.fail("conversion", "converting down from " + before + " to " + to
								+ " was refused: a down-conversion is always grantable");
					}
					return;
				}
				entry.mode = to;
				HistoryRun.this.shadow.hold(this.index, entry.resource, to, hold.owner);
				DlmMode held = entry.lock.getHeldMode();
				note(call + " -> true, held mode " + held + ((published != null) ? ", published " + published : ""));
				count("converted");
				if (HistoryRun.this.shadow.isClosed(hold.owner)) {
					return;
				}
				if (held != to) {
					HistoryRun.this.shadow.fail("conversion", "after converting to " + to + ", T" + this.index
							+ " holds " + entry.lock + " in " + held);
				}
				else if (hold.pending != null) {
					checkOwnValue(call, entry, hold.pending);
				}
				else if (!down && Modes.readsStableValue(to)) {
					HistoryRun.this.shadow.read(this.index, entry.resource, entry.lock.getValueBlock(),
							entry.lock.isValueBlockValid(), call);
				}
			}
			finally {
				HistoryRun.this.shadow.end(this.index, entry.resource);
			}
		}

		private void setValue(String at, Op.SetValue op) {
			if (this.stack.isEmpty()) {
				return;
			}
			Entry entry = this.stack.get(this.stack.size() - 1);
			ResourceHold hold = this.holds.get(entry.resource);
			if (!entry.mode.writesValueBlock() || HistoryRun.this.shadow.isClosed(hold.owner)) {
				return;
			}
			String call = at + "setValueBlock(" + op.value() + ") " + entry.lock + " held " + entry.mode;
			try {
				entry.lock.setValueBlock(valueBlock(op.value()));
			}
			catch (Throwable ex) {
				outcome(call, ex, false, "setValueBlock");
				return;
			}
			hold.pending = op.value();
			note(call);
			count("value set");
			checkOwnValue(call, entry, op.value());
		}

		private void getValue(String at) {
			if (this.stack.isEmpty()) {
				return;
			}
			Entry entry = this.stack.get(this.stack.size() - 1);
			ResourceHold hold = this.holds.get(entry.resource);
			if (HistoryRun.this.shadow.isClosed(hold.owner)) {
				return;
			}
			String call = at + "getValueBlock() " + entry.lock;
			if (hold.pending != null) {
				checkOwnValue(call, entry, hold.pending);
			}
			else {
				try {
					byte[] value = entry.lock.getValueBlock();
					note(call + " -> " + value[0] + (entry.lock.isValueBlockValid() ? "" : " (invalid)"));
				}
				catch (Throwable ex) {
					outcome(call, ex, false, "getValueBlock");
				}
			}
		}

		private void checkOwnValue(String call, Entry entry, int value) {
			byte[] read;
			try {
				read = entry.lock.getValueBlock();
			}
			catch (Throwable ex) {
				outcome(call + " then getValueBlock()", ex, false, "getValueBlock");
				return;
			}
			if (!Arrays.equals(read, valueBlock(value))) {
				HistoryRun.this.shadow.fail("value", "T" + this.index + " set " + value + " on " + entry.lock
						+ " and has not published it yet, but reads " + read[0] + " after " + call);
			}
		}

		private void misuse(String at, Op.Misused op) {
			String resource = LOCKSPACE_OF_REGISTRY[op.registry()] + "/k" + op.key();
			if (this.holds.containsKey(resource)) {
				return;
			}
			DlmLock lock = HistoryRun.this.registries[op.registry()].obtain("k" + op.key(), op.mode());
			String call = at + op;
			try {
				switch (op.misuse()) {
					case UNLOCK -> lock.unlock();
					case CONVERT -> lock.convert(DlmMode.EX);
					case GET_VALUE -> lock.getValueBlock();
					case SET_VALUE -> lock.setValueBlock(new byte[32]);
				}
			}
			catch (IllegalMonitorStateException ex) {
				note(call + " -> IllegalMonitorStateException");
				count("misuse refused");
				return;
			}
			catch (Throwable ex) {
				outcome(call, ex, false, "misuse");
				return;
			}
			HistoryRun.this.shadow.fail("misuse", call + " did not throw IllegalMonitorStateException");
		}

		private void outcome(String call, Throwable ex, boolean expected, String operation) {
			note(call + " -> " + ex);
			if (expected) {
				count(operation + " threw " + ex.getClass().getSimpleName());
				return;
			}
			// the kind names the exception and the operation, not the circumstances, so that the
			// shrinker may find the simplest circumstances of the same failure
			HistoryRun.this.shadow.fail("exception " + ex.getClass().getSimpleName() + " from " + operation,
					call + " threw " + ex + "\n" + stack(ex));
		}

		private @Nullable DlmMode effective(String resource) {
			DlmMode mode = null;
			for (Entry entry : this.stack) {
				if (entry.resource.equals(resource)) {
					mode = Modes.join(mode, entry.mode);
				}
			}
			return mode;
		}

		private boolean retains(DlmLock lock) {
			return !HistoryRun.this.closedRegistries.contains(lock.getRegistry());
		}

		/**
		 * Whether a wait without bound could wait for this thread itself: it holds another
		 * resource, or has asynchronous holds (which its thread holds do not re-enter).
		 */
		private boolean holdsOtherThan(String resource) {
			return !this.asyncHolds.isEmpty() || this.stack.stream().anyMatch((e) -> !e.resource.equals(resource));
		}

		private boolean skips(String kind) {
			return HistoryRun.this.settings.skip().contains(kind);
		}

		private void note(String entry) {
			HistoryRun.this.journal.note(entry);
		}

		private String describe(Op.Acquire op, Op.How how) {
			return new Op.Acquire(op.registry(), op.key(), op.mode(), how, (how == op.how()) ? op.millis() : 10,
					op.via()).toString();
		}

	}

	private static String stack(Throwable ex) {
		StringBuilder text = new StringBuilder();
		StackTraceElement[] stack = ex.getStackTrace();
		for (int i = 0; i < Math.min(stack.length, 8); i++) {
			text.append("      at ").append(stack[i]).append('\n');
		}
		return text.toString();
	}

	static Map<String, LongAdder> newStats() {
		return new ConcurrentHashMap<>();
	}

}
