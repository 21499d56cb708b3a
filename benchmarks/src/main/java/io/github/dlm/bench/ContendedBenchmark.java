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
 * 2, 4 or 8 threads of one process contending for one exclusive lock, each running a tiny
 * critical section (a counter increment). The figure is the total number of critical
 * sections per second over all threads.
 * <p>
 * Note when reading the numbers: the DLM grants waiters in queue order (each release hands
 * the lock to the next waiting thread, a context switch), while {@code ReentrantLock}-based
 * registries let the releasing thread barge back in.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class ContendedBenchmark {

	/** The lock service ({@link Backend} name). */
	@Param({ "local", "native", "default", "redis", "jdbc", "hazelcast" })
	public String backend = "local";

	LockService service;

	private long counter;

	/** Opens the backend. */
	@Setup(Level.Trial)
	public void open() {
		this.service = LockService.open(Backend.of(this.backend));
	}

	/** Closes the backend. */
	@TearDown(Level.Trial)
	public void close() {
		this.service.close();
	}

	/** 2 threads. @param holder the thread's lock @return the counter */
	@Benchmark
	@Threads(2)
	public long threads2(Holder holder) {
		return criticalSection(holder.lock);
	}

	/** 4 threads. @param holder the thread's lock @return the counter */
	@Benchmark
	@Threads(4)
	public long threads4(Holder holder) {
		return criticalSection(holder.lock);
	}

	/** 8 threads. @param holder the thread's lock @return the counter */
	@Benchmark
	@Threads(8)
	public long threads8(Holder holder) {
		return criticalSection(holder.lock);
	}

	private long criticalSection(Lock lock) {
		lock.lock();
		try {
			return ++this.counter;
		}
		finally {
			lock.unlock();
		}
	}

	/** Each thread's lock object for the one contended key, obtained the way callers do. */
	@State(Scope.Thread)
	public static class Holder {

		Lock lock;

		/** @param benchmark the shared state with the opened backend */
		@Setup(Level.Trial)
		public void obtain(ContendedBenchmark benchmark) {
			this.lock = benchmark.service.registry().obtain("contended");
		}

	}

}
