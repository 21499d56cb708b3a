package io.github.dlm.bench;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

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

import io.github.dlm.core.DlmMode;

/**
 * 8 threads taking and releasing a shared (DLM PR) lock on one resource: compatible
 * requests, so nobody waits for anybody; what is measured is the cost of shared locking
 * under concurrency. Redis, JDBC and Hazelcast locks have no shared mode; their anchor here
 * is the JDK's {@code ReentrantReadWriteLock} read lock ({@code rwlock}).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class SharedBenchmark {

	/** {@code local}, {@code native} or {@code rwlock}. */
	@Param({ "local", "native", "rwlock" })
	public String backend = "local";

	private Backend chosen;

	private LockService service;

	private final ReentrantReadWriteLock readWriteLock = new ReentrantReadWriteLock();

	/** Opens the backend. */
	@Setup(Level.Trial)
	public void open() {
		this.chosen = Backend.of(this.backend);
		if (this.chosen != Backend.RWLOCK) {
			this.service = LockService.open(this.chosen);
		}
	}

	/** Closes the backend. */
	@TearDown(Level.Trial)
	public void close() {
		if (this.service != null) {
			this.service.close();
		}
	}

	/** Acquire and release of a shared lock. @param holder the thread's lock */
	@Benchmark
	@Threads(8)
	public void threads8(Holder holder) {
		holder.lock.lock();
		holder.lock.unlock();
	}

	/** Each thread's shared lock on the one resource. */
	@State(Scope.Thread)
	public static class Holder {

		Lock lock;

		/** @param benchmark the shared state with the opened backend */
		@Setup(Level.Trial)
		public void obtain(SharedBenchmark benchmark) {
			this.lock = (benchmark.chosen == Backend.RWLOCK) ? benchmark.readWriteLock.readLock()
					: benchmark.service.dlmRegistry().obtain("shared", DlmMode.PR);
		}

	}

}
