package io.github.dlm.lock;

import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicReference;

import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.jetbrains.lincheck.datastructures.StressOptions;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import io.github.dlm.core.DlmLockspace;
import io.github.dlm.core.DlmMode;
import io.github.dlm.core.LockspaceOptions;
import io.github.dlm.local.LocalDlmClient;

/**
 * Lincheck (stress mode) on the lock layer: each operation is a whole critical section
 * that reads a counter from a resource's value block and publishes it incremented (or only
 * reads it), taken in a different way each: EX, PW, NL converted up to EX and back down,
 * PW set then converted up to EX before the unlock, EX re-entered through a second
 * registry on the same lockspace, PR, and the read/write view. Random concurrent histories
 * of them must be linearizable with respect to a plain map of counters
 * ({@link Counters}): which is so only if every writer excluded every other holder and
 * every published value reached the next holder. A section that never ends shows up as a
 * Lincheck hang.
 * <p>
 * Default: {@code dlm.model.lincheck.iterations} = 60 scenarios of 3 threads x 3
 * sections, each run {@code dlm.model.lincheck.invocations} = 10 times; an invocation that
 * has not finished after {@code dlm.model.lincheck.hang-ms} = 3000 ms is a hang.
 */
class DlmLockLincheckTests {

	private static final int ITERATIONS = Integer.getInteger("dlm.model.lincheck.iterations", 60);

	private static final int INVOCATIONS = Integer.getInteger("dlm.model.lincheck.invocations", 10);

	/** How long an invocation may run before Lincheck reports it hung (its default is 10 s). */
	private static final long HANG_MILLIS = Long.getLong("dlm.model.lincheck.hang-ms", 3_000);

	/** The client of the running invocation; each new instance closes its predecessor's. */
	static final AtomicReference<@Nullable LocalDlmClient> CURRENT = new AtomicReference<>();

	@AfterAll
	static void closeLast() {
		LocalDlmClient client = CURRENT.getAndSet(null);
		if (client != null) {
			client.close();
		}
	}

	@Test
	void criticalSectionsOverValueBlocksAreLinearizable() {
		new StressOptions().threads(3)
			.actorsPerThread(3)
			.actorsBefore(1)
			.actorsAfter(1)
			.iterations(ITERATIONS)
			.invocationsPerIteration(INVOCATIONS)
			.sequentialSpecification(Counters.class)
			// Lincheck's own (Kotlin-internal) setter: a hung scenario costs this much per
			// run while Lincheck minimizes it
			.invocationTimeout$lincheck(HANG_MILLIS)
			.check(Sections.class);
	}

	static int read(DlmLock lock) {
		return ByteBuffer.wrap(lock.getValueBlock()).getInt();
	}

	static void write(DlmLock lock, int value) {
		lock.setValueBlock(ByteBuffer.allocate(32).putInt(value).array());
	}

	/** The lock layer, one registry pair per invocation. */
	@Param(name = "key", gen = IntGen.class, conf = "0:1")
	public static class Sections {

		private final LocalDlmClient client = new LocalDlmClient("lincheck-lock-");

		private final DlmLockRegistry registry;

		private final DlmLockRegistry second;

		public Sections() {
			LocalDlmClient previous = CURRENT.getAndSet(this.client);
			if (previous != null) {
				previous.close();
			}
			DlmLockspace lockspace = this.client.openLockspace("lincheck", LockspaceOptions.DEFAULTS);
			this.registry = new DlmLockRegistry(lockspace);
			this.second = new DlmLockRegistry(lockspace);
		}

		private DlmLock lock(int key, DlmMode mode) {
			return this.registry.obtain("k" + key, mode);
		}

		@Operation
		public int exclusiveIncrement(@Param(name = "key") int key) {
			return increment(lock(key, DlmMode.EX));
		}

		@Operation
		public int protectedWriteIncrement(@Param(name = "key") int key) {
			return increment(lock(key, DlmMode.PW));
		}

		@Operation
		public int convertingIncrement(@Param(name = "key") int key) {
			DlmLock lock = lock(key, DlmMode.NL);
			lock.lock();
			try {
				lock.convert(DlmMode.EX);
				int value = read(lock);
				write(lock, value + 1);
				lock.convert(DlmMode.NL);
				return value;
			}
			finally {
				lock.unlock();
			}
		}

		@Operation
		public int upgradingIncrement(@Param(name = "key") int key) {
			DlmLock lock = lock(key, DlmMode.PW);
			lock.lock();
			try {
				int value = read(lock);
				write(lock, value + 1);
				lock.convert(DlmMode.EX);
				return value;
			}
			finally {
				lock.unlock();
			}
		}

		@Operation
		public int nestedIncrement(@Param(name = "key") int key) {
			DlmLock outer = lock(key, DlmMode.EX);
			outer.lock();
			try {
				DlmLock inner = this.second.obtain("k" + key, DlmMode.EX);
				inner.lock();
				try {
					int value = read(inner);
					write(inner, value + 1);
					return value;
				}
				finally {
					inner.unlock();
				}
			}
			finally {
				outer.unlock();
			}
		}

		@Operation
		public int protectedRead(@Param(name = "key") int key) {
			DlmLock lock = lock(key, DlmMode.PR);
			lock.lock();
			try {
				return read(lock);
			}
			finally {
				lock.unlock();
			}
		}

		@Operation
		public int viewRead(@Param(name = "key") int key) {
			DlmLock lock = this.registry.readWriteLock("k" + key).readLock();
			lock.lock();
			try {
				return read(lock);
			}
			finally {
				lock.unlock();
			}
		}

		private static int increment(DlmLock lock) {
			lock.lock();
			try {
				int value = read(lock);
				write(lock, value + 1);
				return value;
			}
			finally {
				lock.unlock();
			}
		}

	}

	/** The sequential specification: one counter per key. */
	public static class Counters {

		private final int[] counters = new int[2];

		public int exclusiveIncrement(int key) {
			return this.counters[key]++;
		}

		public int protectedWriteIncrement(int key) {
			return this.counters[key]++;
		}

		public int convertingIncrement(int key) {
			return this.counters[key]++;
		}

		public int upgradingIncrement(int key) {
			return this.counters[key]++;
		}

		public int nestedIncrement(int key) {
			return this.counters[key]++;
		}

		public int protectedRead(int key) {
			return this.counters[key];
		}

		public int viewRead(int key) {
			return this.counters[key];
		}

	}

}
