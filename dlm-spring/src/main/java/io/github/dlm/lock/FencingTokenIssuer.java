package io.github.dlm.lock;

import java.nio.ByteBuffer;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import io.github.dlm.core.DlmCompletion;
import io.github.dlm.core.DlmErrors;
import io.github.dlm.core.DlmFlag;
import io.github.dlm.core.DlmLockHandle;
import io.github.dlm.core.DlmLockspace;
import io.github.dlm.core.DlmMode;
import io.github.dlm.core.DlmRequest;
import io.github.dlm.core.DlmResourceName;
import io.github.dlm.core.DlmStatus;

/**
 * Issues the {@linkplain FencingTokens fencing tokens} of one {@link DlmLockRegistry}.
 * <p>
 * Per resource it keeps a lock on the resource's {@linkplain CompanionNames companion},
 * in NL between grants (blocking nobody, and keeping the companion's value block alive).
 * To issue a token for a grant of the resource in PW or EX, it converts that lock to EX
 * reading the value block (the last token, or zeros, or a block marked invalid), and back
 * to NL writing the next token, before the holder gets its grant: two round trips to the
 * lock manager. The EX conversion orders issuers on the companion itself, so the last
 * token is read and written by one issuer at a time anywhere in the cluster. Both carry
 * VALBLK, so the NL lock keeps a copy of the token it wrote: when the companion's master
 * node fails, the kernel's recovery rebuilds the block from the surviving copy written last
 * and marks it invalid, and the next issuer re-seeds above the token it still holds.
 * <p>
 * Issuing never blocks a thread: it chains on the lock manager's completions, so it may
 * run on a DLM callback thread. The issuances of one companion lock run one after another.
 * A companion is released when its registry closes, or when it has had no holder for the
 * registry's expiry age.
 */
final class FencingTokenIssuer {

	private static final Log logger = LogFactory.getLog(FencingTokenIssuer.class);

	private static final Set<DlmFlag> VALBLK = EnumSet.of(DlmFlag.VALBLK);

	/** "DLMF", then a version byte: what marks a companion block as written by an issuer. */
	private static final int MAGIC = 0x444C4D46;

	private static final byte VERSION = 1;

	private static final int TOKEN_OFFSET = 8;

	/** The highest token any issuer of this JVM issued or read, which a re-seed stays above. */
	private static final AtomicLong HIGHEST_IN_JVM = new AtomicLong();

	private final DlmLockspace lockspace;

	private final Map<DlmResourceName, Companion> companions = new ConcurrentHashMap<>();

	private volatile boolean enabled;

	private volatile boolean closed;

	FencingTokenIssuer(DlmLockspace lockspace) {
		this.lockspace = lockspace;
	}

	void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	boolean isEnabled() {
		return this.enabled;
	}

	/**
	 * Issues the next token of a resource for a hold just granted in PW or EX. The
	 * companion counts the hold until {@link Issued#holdEnded()}.
	 * @param resource the resource granted
	 * @return the token once published in the companion's value block
	 */
	CompletableFuture<Issued> issue(DlmResourceName resource) {
		while (true) {
			Companion companion = this.companions.computeIfAbsent(resource,
					Companion::new);
			CompletableFuture<Long> issued = companion.issue();
			if (issued == null) {
				continue; // released meanwhile: take a new one
			}
			return issued.handle((token, failure) -> {
				if (failure != null) {
					// may run on a DLM callback thread, which must not wait for a release
					companion.holdEndedWithoutWaiting();
					throw (failure instanceof RuntimeException runtime) ? runtime
							: new IllegalStateException("Fencing token of '" + resource + "' not issued", failure);
				}
				return new Issued(companion, token);
			});
		}
	}

	/**
	 * Releases the companion locks that had no holder for {@code ageNanos}: the next
	 * token of their resource may then find the value block lost and re-seed.
	 */
	void releaseUnused(long nowNanos, long ageNanos) {
		for (Companion companion : this.companions.values()) {
			companion.releaseIfUnused(nowNanos, ageNanos, false);
		}
	}

	/**
	 * Releases every companion lock without holders now, and the others when their holds
	 * end; later tokens keep no companion lock once their hold ends. Idempotent.
	 */
	void close() {
		this.closed = true;
		for (Companion companion : this.companions.values()) {
			companion.releaseIfUnused(0, 0, true);
		}
	}

	/** How many companion locks are kept. */
	int size() {
		return this.companions.size();
	}

	/**
	 * A token issued, and the companion that counts its hold.
	 */
	static final class Issued {

		private final Companion companion;

		private final long token;

		Issued(Companion companion, long token) {
			this.companion = companion;
			this.token = token;
		}

		long token() {
			return this.token;
		}

		/** The hold that got the token ended (or got a newer one). */
		void holdEnded() {
			this.companion.holdEnded();
		}

	}

	/**
	 * The lock on one resource's companion and what this registry knows of its tokens;
	 * its monitor guards the state, never a wait.
	 */
	final class Companion {

		private final DlmResourceName resource;

		private final DlmResourceName name;

		private @Nullable DlmLockHandle handle;

		/** The last issuance, which the next one waits for. */
		private CompletableFuture<?> tail = CompletableFuture.completedFuture(null);

		/** Issuances in progress and holds with a token from here. */
		private int holders;

		private long lastUsedNanos = System.nanoTime();

		/** The highest token this companion issued or read. */
		private long highest;

		private boolean released;

		Companion(DlmResourceName resource) {
			this.resource = resource;
			this.name = CompanionNames.companion(CompanionNames.FENCING, resource);
		}

		/** Chains an issuance after the last; {@code null} if this companion was released. */
		synchronized @Nullable CompletableFuture<Long> issue() {
			if (this.released) {
				return null;
			}
			this.holders++;
			this.lastUsedNanos = System.nanoTime();
			CompletableFuture<Long> issued = this.tail.handle((previous, failure) -> null)
				.thenCompose((ignored) -> issueNow());
			this.tail = issued;
			return issued;
		}

		void holdEnded() {
			DlmLockHandle released;
			synchronized (this) {
				released = ended() ? detach() : null;
			}
			unlock(released);
		}

		void holdEndedWithoutWaiting() {
			boolean release;
			synchronized (this) {
				release = ended();
			}
			if (release) {
				AsyncHoldExecutors.release(() -> releaseIfUnused(0, 0, true));
			}
		}

		/** Counts a hold's end; whether the companion is to be released now (its registry closed). */
		private boolean ended() {
			this.holders--;
			this.lastUsedNanos = System.nanoTime();
			return FencingTokenIssuer.this.closed && this.holders == 0;
		}

		void releaseIfUnused(long nowNanos, long ageNanos, boolean always) {
			DlmLockHandle released = null;
			synchronized (this) {
				if (!this.released && this.holders == 0 && this.tail.isDone()
						&& (always || nowNanos - this.lastUsedNanos >= ageNanos)) {
					released = detach();
				}
			}
			unlock(released);
		}

		/** Converts the companion lock to EX reading the last token, then to NL writing the next. */
		private CompletableFuture<Long> issueNow() {
			DlmLockHandle lock;
			CompletableFuture<DlmCompletion> exclusive;
			try {
				synchronized (this) {
					if (this.handle == null || this.handle.isEnded()) {
						this.handle = FencingTokenIssuer.this.lockspace.newLock(this.name, null);
					}
					lock = this.handle;
				}
				exclusive = lock.request(DlmMode.EX, VALBLK, null);
			}
			catch (RuntimeException ex) {
				return CompletableFuture.failedFuture(ex);
			}
			return exclusive.thenCompose((granted) -> {
				check(granted, "lock EX", lock);
				long token = next(granted.valueBlock(), granted.isValueBlockInvalid());
				CompletableFuture<DlmCompletion> published;
				try {
					published = lock.request(DlmMode.NL, VALBLK, encode(token));
				}
				catch (RuntimeException ex) {
					abandon(lock);
					throw ex;
				}
				return published.thenApply((completion) -> {
					if (completion.status() != DlmStatus.GRANTED) {
						abandon(lock);
						check(completion, "convert EX to NL", lock);
					}
					return token;
				});
			});
		}

		private synchronized long next(byte @Nullable [] block, boolean invalid) {
			ByteBuffer buffer = (block != null) ? ByteBuffer.wrap(block) : null;
			long token;
			if (buffer != null && !invalid && tokenIn(buffer) != 0) {
				token = Math.max(buffer.getLong(TOKEN_OFFSET), this.highest) + 1;
			}
			else {
				// the epoch moves past the clock, past what this companion saw and past the token
				// an invalid block still holds (recovery keeps the copy of the survivor that wrote
				// last); the token past anything this JVM issued or read, without pushing the
				// epoch ahead of the clock
				long known = Math.max(this.highest, (buffer != null && invalid) ? tokenIn(buffer) : 0);
				long epoch = Math.max(System.currentTimeMillis(), (known != 0) ? FencingTokens.epoch(known) + 1 : 0);
				token = Math.max(FencingTokens.first(epoch), HIGHEST_IN_JVM.get() + 1);
				reseeded(buffer, invalid, token);
			}
			this.highest = token;
			HIGHEST_IN_JVM.accumulateAndGet(token, Math::max);
			return token;
		}

		private void reseeded(@Nullable ByteBuffer block, boolean invalid, long token) {
			if (invalid) {
				logger.info("Fencing tokens of '" + this.resource + "' re-seeded at epoch " + FencingTokens.epoch(token)
						+ ": the lock manager marked their value block invalid (recovery lost a node that held or "
						+ "mastered it)");
			}
			else if (block != null && !isZeros(block)) {
				logger.warn("Fencing tokens of '" + this.resource + "' re-seeded at epoch " + FencingTokens.epoch(token)
						+ ": their value block holds something else; does an application key name a resource "
						+ "starting with byte 0xFF?");
			}
			else if (logger.isDebugEnabled()) {
				logger.debug("Fencing tokens of '" + this.resource + "' seeded at epoch " + FencingTokens.epoch(token)
						+ ": no value block was kept (first use, or every holder and companion lock was gone)");
			}
		}

		/** Unlocks a companion lock that could not go back to NL, so that it blocks no later issuer. */
		private void abandon(DlmLockHandle lock) {
			synchronized (this) {
				if (this.handle == lock) {
					this.handle = null;
				}
			}
			try {
				if (!lock.isEnded()) {
					lock.unlock(null);
				}
			}
			catch (RuntimeException ex) {
				logger.warn("Could not unlock the fencing token companion '" + this.name + "'", ex);
			}
		}

		private void check(DlmCompletion completion, String operation, DlmLockHandle lock) {
			if (completion.status() != DlmStatus.GRANTED) {
				throw DlmErrors.toException(completion.status(), operation + " (fencing token companion)",
						FencingTokenIssuer.this.lockspace.name(), lock.resourceName());
			}
		}

		/**
		 * Called holding the monitor: marks this companion released (a later issuance takes a
		 * new one) and hands over its lock, to unlock once the monitor is left.
		 */
		private @Nullable DlmLockHandle detach() {
			this.released = true;
			FencingTokenIssuer.this.companions.remove(this.resource, this);
			DlmLockHandle lock = this.handle;
			this.handle = null;
			return (lock == null || lock.isEnded()) ? null : lock;
		}

		/**
		 * Unlocks a detached companion lock. Never called holding the monitor: the unlock
		 * waits for the dispatcher thread, which may itself be waiting for the monitor to
		 * issue the token of an asynchronous grant.
		 */
		private void unlock(@Nullable DlmLockHandle lock) {
			if (lock == null) {
				return;
			}
			try {
				DlmRequest.unlock(lock, null);
			}
			catch (RuntimeException ex) {
				if (!lock.isEnded()) {
					logger.warn("Could not release the fencing token companion lock '" + this.name + "'", ex);
				}
			}
		}

	}

	/** The token a block written by an issuer holds, or 0. */
	private static long tokenIn(ByteBuffer block) {
		return (block.getInt(0) == MAGIC && block.get(4) == VERSION) ? Math.max(0, block.getLong(TOKEN_OFFSET)) : 0;
	}

	private static boolean isZeros(ByteBuffer block) {
		for (int i = 0; i < block.capacity(); i++) {
			if (block.get(i) != 0) {
				return false;
			}
		}
		return true;
	}

	private static byte[] encode(long token) {
		return ByteBuffer.allocate(DlmCompletion.VALUE_BLOCK_LENGTH)
			.putInt(0, MAGIC)
			.put(4, VERSION)
			.putLong(TOKEN_OFFSET, token)
			.array();
	}

}
