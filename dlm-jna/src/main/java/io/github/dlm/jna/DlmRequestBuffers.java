package io.github.dlm.jna;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A bounded pool of the native buffers one lockspace's requests are made with: a
 * {@link DlmLksb} (status block, value block buffer, unlock request) lent for the duration
 * of one call ({@code dlm_ls_lock}, the unlock request's {@code write}, a cancel) and of one
 * {@code read} of a completion.
 * <p>
 * Lending per call is possible because completions are read from the descriptor by
 * {@link DlmDispatcher}, not by libdlm: libdlm writes the status block only inside the
 * call, and the kernel keeps the block's address only to hand it back in the result. A
 * request that waits therefore holds no native memory of ours at all (only the kernel's
 * lock and a Java object or two), whatever the number of waiters.
 * <p>
 * At most {@code capacity} buffers are kept between uses; beyond that a returned buffer
 * is freed, so a burst of concurrent calls costs memory only while it lasts. {@link #close()}
 * frees the kept buffers and makes later returns free theirs.
 */
final class DlmRequestBuffers implements AutoCloseable {

	/** The native bytes of one buffer. */
	static final long BUFFER_BYTES = DlmLksb.ALLOCATION;

	private final BlockingQueue<DlmLksb> idle;

	private final AtomicInteger allocated = new AtomicInteger();

	private volatile boolean closed;

	/**
	 * Creates an empty pool.
	 * @param capacity the most buffers kept between uses, at least 1
	 */
	DlmRequestBuffers(int capacity) {
		if (capacity < 1) {
			throw new IllegalArgumentException("The request buffer pool must keep at least 1 buffer");
		}
		this.idle = new ArrayBlockingQueue<>(capacity);
	}

	/**
	 * Lends a buffer, reusing a kept one when there is one.
	 * @return the buffer; give it back with {@link #release}
	 */
	DlmLksb acquire() {
		DlmLksb buffer = this.idle.poll();
		if (buffer != null) {
			return buffer;
		}
		this.allocated.incrementAndGet();
		return new DlmLksb();
	}

	/**
	 * Takes a buffer back: kept for the next call, or freed if the pool is full or closed.
	 * @param buffer a buffer from {@link #acquire()}, no longer used by the caller
	 */
	void release(DlmLksb buffer) {
		if (this.closed || !this.idle.offer(buffer)) {
			free(buffer);
		}
		else if (this.closed && this.idle.remove(buffer)) {
			// closed meanwhile: close() may have drained the queue before this offer
			free(buffer);
		}
	}

	/**
	 * The buffers allocated and not freed: kept ones plus those lent out.
	 * @return the count
	 */
	int allocatedCount() {
		return this.allocated.get();
	}

	/**
	 * The buffers kept for reuse.
	 * @return the count
	 */
	int idleCount() {
		return this.idle.size();
	}

	/**
	 * Frees the kept buffers; buffers lent out are freed when they come back. Idempotent.
	 */
	@Override
	public void close() {
		this.closed = true;
		DlmLksb buffer;
		while ((buffer = this.idle.poll()) != null) {
			free(buffer);
		}
	}

	private void free(DlmLksb buffer) {
		buffer.free();
		this.allocated.decrementAndGet();
	}

}
