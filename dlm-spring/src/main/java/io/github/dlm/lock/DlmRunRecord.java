package io.github.dlm.lock;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;

import org.jspecify.annotations.Nullable;
import org.springframework.util.Assert;

import io.github.dlm.core.DlmCompletion;

/**
 * The record of a job's last run, kept in the value block of a companion resource of the
 * job's lock (so the lock's own value block stays the application's), opened by
 * {@link DlmLock#openRunRecord()} while the thread holds the lock in PW or EX. Opening
 * converts the companion's lock to EX and reads the record; {@link #close()} converts it
 * back to NL, publishing the run {@linkplain #recordRun(DlmLastRun) recorded} meanwhile.
 * The registry keeps the companion's NL lock until it is closed, so the record outlives
 * the holders of the job's lock.
 * <p>
 * {@code @DlmLocked(minInterval = ...)} uses it to skip a run that starts too soon after
 * the last one on any node. Not thread-safe: used by the thread that holds the lock.
 */
public final class DlmRunRecord implements AutoCloseable {

	/** Bytes of the node's name kept in the record. */
	public static final int MAX_NODE_BYTES = 16;

	/** "DLMR", then a version byte: what marks a block as a run record. */
	private static final int MAGIC = 0x444C4D52;

	private static final byte VERSION = 1;

	private static final int TIME_OFFSET = 8;

	private static final int NODE_OFFSET = 16;

	private final RunRecordCompanions.Opened opened;

	private final @Nullable DlmLastRun lastRun;

	private final boolean valid;

	private @Nullable DlmLastRun recorded;

	private boolean closed;

	DlmRunRecord(RunRecordCompanions.Opened opened) {
		this.opened = opened;
		this.lastRun = decode(opened.valueBlock());
		this.valid = !opened.isValueBlockInvalid();
	}

	/**
	 * The last run recorded, as the record reads; when the record is not
	 * {@linkplain #isValid() valid}, a run recorded earlier than the last one, or none.
	 * @return the run, or empty if none was recorded or the record was lost (nobody kept a
	 * lock on the companion)
	 */
	public Optional<DlmLastRun> lastRun() {
		return Optional.ofNullable(this.lastRun);
	}

	/**
	 * Whether the record is certainly the last one written. It is not when the lock
	 * manager marked it invalid: recovery after the loss of a node that held the companion
	 * above CR or mastered it. Recovery then keeps the record with the highest sequence
	 * number among the surviving nodes' copies (every registry keeps one, in its NL lock on
	 * the companion), so {@link #lastRun()} shows the last run recorded by a node that is
	 * still there: the last run of all started at that time or later, or it was recorded by
	 * a node (or process) that is gone. The mark stays until a run is recorded.
	 * @return {@code true} if valid
	 */
	public boolean isValid() {
		return this.valid;
	}

	/**
	 * Records a run, to publish when this record is closed.
	 * @param run the run
	 */
	public void recordRun(DlmLastRun run) {
		Assert.notNull(run, "Run must not be null");
		Assert.state(!this.closed, "The run record is closed");
		this.recorded = run;
	}

	/**
	 * Publishes the run recorded, if any, and lets the companion go back to NL. Idempotent.
	 */
	@Override
	public void close() {
		if (this.closed) {
			return;
		}
		this.closed = true;
		this.opened.close((this.recorded != null) ? encode(this.recorded) : null);
	}

	static @Nullable DlmLastRun decode(byte @Nullable [] block) {
		if (block == null) {
			return null;
		}
		ByteBuffer buffer = ByteBuffer.wrap(block);
		if (buffer.getInt(0) != MAGIC || buffer.get(4) != VERSION) {
			return null;
		}
		int length = Math.min(buffer.get(5), MAX_NODE_BYTES);
		String node = new String(block, NODE_OFFSET, Math.max(0, length), StandardCharsets.UTF_8);
		return new DlmLastRun(Instant.ofEpochMilli(buffer.getLong(TIME_OFFSET)), node);
	}

	static byte[] encode(DlmLastRun run) {
		byte[] node = cut(run.node());
		ByteBuffer buffer = ByteBuffer.allocate(DlmCompletion.VALUE_BLOCK_LENGTH)
			.putInt(0, MAGIC)
			.put(4, VERSION)
			.put(5, (byte) node.length)
			.putLong(TIME_OFFSET, run.startedAt().toEpochMilli())
			.put(NODE_OFFSET, node);
		return buffer.array();
	}

	/** The longest start of the name whose UTF-8 fits, whole characters only. */
	private static byte[] cut(String name) {
		CharBuffer rest = CharBuffer.wrap(name);
		ByteBuffer bytes = ByteBuffer.allocate(MAX_NODE_BYTES);
		StandardCharsets.UTF_8.newEncoder()
			.onMalformedInput(CodingErrorAction.REPLACE)
			.onUnmappableCharacter(CodingErrorAction.REPLACE)
			.encode(rest, bytes, true);
		byte[] cut = new byte[bytes.position()];
		bytes.flip().get(cut);
		return cut;
	}

}
