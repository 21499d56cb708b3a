package io.github.dlm.bench;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Lock;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;

/**
 * One thread taking and releasing exclusive locks with nobody else around: the cost of the
 * lock service itself.
 * <ul>
 * <li>{@code oneLock}: the same lock object, obtained once, {@code lock()} + {@code unlock()}.</li>
 * <li>{@code manyKeys}: {@code obtain(key)} + {@code lock()} + {@code unlock()} over
 * {@value #KEYS} distinct keys in turn, so every acquisition is of a different resource.</li>
 * </ul>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(1)
public class UncontendedBenchmark {

	static final int KEYS = 1024;

	/** The lock service ({@link Backend} name). */
	@Param({ "local", "local_cached", "native", "native_cached", "default", "redis", "jdbc", "hazelcast" })
	public String backend = "local";

	private LockService service;

	private Lock lock;

	private final String[] keys = new String[KEYS];

	private int next;

	/** Opens the backend and obtains the lock of {@code oneLock}. */
	@Setup(Level.Trial)
	public void open() {
		this.service = LockService.open(Backend.of(this.backend));
		this.lock = this.service.registry().obtain("uncontended");
		for (int i = 0; i < KEYS; i++) {
			this.keys[i] = "key-" + i;
		}
	}

	/** Closes the backend. */
	@TearDown(Level.Trial)
	public void close() {
		this.service.close();
	}

	/** Acquire and release of one lock. */
	@Benchmark
	public void oneLock() {
		this.lock.lock();
		this.lock.unlock();
	}

	/** Obtain, acquire and release of the next of {@value #KEYS} keys. */
	@Benchmark
	public void manyKeys() {
		String key = this.keys[this.next++ & (KEYS - 1)];
		Lock lock = this.service.registry().obtain(key);
		lock.lock();
		lock.unlock();
	}

}
