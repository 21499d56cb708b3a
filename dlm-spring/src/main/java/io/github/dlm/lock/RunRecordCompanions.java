package io.github.dlm.lock;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import io.github.dlm.core.DlmCompletion;
import io.github.dlm.core.DlmFlag;
import io.github.dlm.core.DlmLockHandle;
import io.github.dlm.core.DlmLockspace;
import io.github.dlm.core.DlmMode;
import io.github.dlm.core.DlmRequest;
import io.github.dlm.core.DlmResourceName;

/**
 * The companion locks that keep the {@link DlmRunRecord run records} of one
 * {@link DlmLockRegistry}: per resource, a lock on its {@linkplain CompanionNames companion}
 * held in NL between runs (blocking nobody, keeping the record alive) and in EX while a
 * record is open. They are few (one per job key), so they stay until the registry closes.
 * Their requests carry VALBLK, so each keeps a copy of the record it last read or wrote:
 * when the companion's master node fails, the kernel's recovery rebuilds the record from
 * the surviving copy written last and marks it not valid ({@link DlmRunRecord#isValid()}).
 */
final class RunRecordCompanions {

	private static final Log logger = LogFactory.getLog(RunRecordCompanions.class);

	/** The companion kind of run records. */
	static final char RUN_RECORD = 'R';

	private static final Set<DlmFlag> VALBLK = EnumSet.of(DlmFlag.VALBLK);

	private static final Set<DlmFlag> INVALIDATE = EnumSet.of(DlmFlag.IVVALBLK);

	private final DlmLockspace lockspace;

	private final Map<DlmResourceName, Companion> companions = new ConcurrentHashMap<>();

	private volatile boolean closed;

	RunRecordCompanions(DlmLockspace lockspace) {
		this.lockspace = lockspace;
	}

	/**
	 * Converts the companion of a resource to EX and reads its value block; the caller
	 * holds the resource in PW or EX.
	 * @param resource the resource
	 * @return the open companion, to {@linkplain Opened#close(byte[]) close} on this thread
	 */
	Opened open(DlmResourceName resource) {
		Companion companion = this.companions.computeIfAbsent(resource, Companion::new);
		if (companion.inUse.isHeldByCurrentThread()) {
			throw new IllegalStateException("The run record of '" + resource + "' is open already on thread '"
					+ Thread.currentThread().getName() + "'; close it first");
		}
		companion.inUse.lock();
		try {
			DlmCompletion read;
			if (companion.handle == null || companion.handle.isEnded()) {
				companion.handle = this.lockspace.newLock(companion.name, null);
				read = DlmRequest.lock(companion.handle, DlmMode.EX, VALBLK).join();
			}
			else {
				read = DlmRequest.convert(companion.handle, DlmMode.EX, VALBLK, null).join();
			}
			return new Opened(companion, read.valueBlock(), read.isValueBlockInvalid());
		}
		catch (RuntimeException ex) {
			companion.abandon();
			companion.inUse.unlock();
			throw ex;
		}
	}

	/**
	 * Releases the companion locks not open now, and the others when they are closed.
	 * Idempotent.
	 */
	void close() {
		this.closed = true;
		for (Companion companion : this.companions.values()) {
			if (companion.inUse.tryLock()) {
				try {
					companion.release();
				}
				finally {
					companion.inUse.unlock();
				}
			}
		}
	}

	/**
	 * A companion converted to EX for one run record.
	 */
	final class Opened {

		private final Companion companion;

		private final byte @Nullable [] valueBlock;

		private final boolean valueBlockInvalid;

		Opened(Companion companion, byte @Nullable [] valueBlock, boolean valueBlockInvalid) {
			this.companion = companion;
			this.valueBlock = valueBlock;
			this.valueBlockInvalid = valueBlockInvalid;
		}

		byte @Nullable [] valueBlock() {
			return this.valueBlock;
		}

		boolean isValueBlockInvalid() {
			return this.valueBlockInvalid;
		}

		/**
		 * Converts the companion back to NL, publishing a new record or keeping the one read
		 * (an invalid one invalid).
		 * @param record the 32 bytes to publish, or {@code null}
		 */
		void close(byte @Nullable [] record) {
			DlmLockHandle handle = this.companion.handle;
			try {
				if (handle == null) {
					return;
				}
				if (record != null || !this.valueBlockInvalid) {
					DlmRequest.convert(handle, DlmMode.NL, VALBLK, record).join();
				}
				else {
					DlmRequest.convert(handle, DlmMode.NL, INVALIDATE, null).join();
				}
				if (RunRecordCompanions.this.closed) {
					this.companion.release();
				}
			}
			catch (RuntimeException ex) {
				this.companion.abandon();
				throw ex;
			}
			finally {
				this.companion.inUse.unlock();
			}
		}

	}

	/**
	 * The lock on one resource's companion; {@link #inUse} is held while a record is open.
	 */
	private final class Companion {

		final ReentrantLock inUse = new ReentrantLock();

		final DlmResourceName resource;

		final DlmResourceName name;

		@Nullable DlmLockHandle handle;

		Companion(DlmResourceName resource) {
			this.resource = resource;
			this.name = CompanionNames.companion(RUN_RECORD, resource);
		}

		/** Unlocks a lock that failed midway, so that it blocks no later run. */
		void abandon() {
			DlmLockHandle lock = this.handle;
			this.handle = null;
			if (lock != null && !lock.isEnded() && lock.grantedMode() != null) {
				try {
					DlmRequest.unlock(lock, null);
				}
				catch (RuntimeException ex) {
					logger.warn("Could not unlock the run record companion of '" + this.resource + "'", ex);
				}
			}
		}

		void release() {
			RunRecordCompanions.this.companions.remove(this.resource, this);
			abandon();
		}

	}

}
