package io.github.dlm.lock;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

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
import io.github.dlm.core.DlmStatus;

/**
 * The value block anchors of one {@link DlmLockRegistry}: per lock object through which a
 * value block was published, an NL lock on its resource that keeps the value alive while
 * nobody holds the lock (the lock manager forgets a resource's value block once no lock on
 * it remains). NL blocks nobody.
 * <p>
 * Anchors are requested with VALBLK and read the value again after every publish
 * ({@link #published}), so each keeps a copy of the latest value with its sequence number.
 * That is what the kernel's recovery needs when the resource's master node fails while only
 * anchors remain: it rebuilds the value block from the copy with the highest sequence and,
 * since no lock above CR is left, marks it {@code VALNOTVALID}, which the next holder sees
 * as {@link DlmLock#isValueBlockValid()} {@code false}. Anchors without VALBLK would leave
 * recovery nothing to rebuild from: the next holder would read zeros marked valid.
 * <p>
 * The registry owns it: it switches retention on or off, releases the anchors of objects
 * that went unused ({@link #releaseIf}) and all of them when it closes. A hold takes its
 * lock object's anchor ({@link #retain}) just before it publishes a value. This class
 * calls neither: it knows lock objects only as keys.
 */
final class ValueBlockAnchors {

	private static final Log logger = LogFactory.getLog(ValueBlockAnchors.class);

	// granted at once even past waiting requests, so taking it never waits behind others;
	// VALBLK gives recovery a copy of the value to rebuild from
	private static final Set<DlmFlag> ANCHOR = EnumSet.of(DlmFlag.EXPEDITE, DlmFlag.VALBLK);

	// NL to NL reads the value block: the anchor's copy becomes the value just published
	private static final Set<DlmFlag> REFRESH = EnumSet.of(DlmFlag.VALBLK);

	private final DlmLockspace lockspace;

	private final Map<DlmLock, Anchor> anchors = new ConcurrentHashMap<>();

	private volatile boolean enabled = true;

	private volatile boolean closed;

	ValueBlockAnchors(DlmLockspace lockspace) {
		this.lockspace = lockspace;
	}

	/**
	 * Sets whether {@link #retain} takes anchors; anchors already taken stay.
	 */
	void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	/**
	 * Whether {@link #retain} takes anchors: {@code false} once closed.
	 */
	boolean isEnabled() {
		return this.enabled && !this.closed;
	}

	/**
	 * Takes the NL lock that keeps a resource, and so the value about to be published, alive
	 * once the holders are gone, unless the lock object has one already. Called while the
	 * publisher still holds its own lock, so the value cannot be lost in between. A failure
	 * is logged, not thrown: the holder's release matters more than keeping the value.
	 * @param lock the lock object the publisher acquired through
	 * @param publisher the publisher's DLM lock
	 */
	void retain(DlmLock lock, DlmLockHandle publisher) {
		if (!isEnabled()) {
			return;
		}
		while (true) {
			Anchor anchor = this.anchors.computeIfAbsent(lock, (key) -> new Anchor());
			synchronized (anchor) {
				if (anchor.released) {
					continue; // released meanwhile: take a new one
				}
				if (anchor.handle == null || anchor.handle.isEnded()) {
					take(lock, anchor, publisher);
				}
				return;
			}
		}
	}

	/**
	 * Reads the value block into a lock object's anchor after a value was published through
	 * it, so that the anchor's copy, the one recovery may rebuild the block from, is the
	 * value just published (or a later one). A failure is logged, not thrown: the value was
	 * published, only the copy is older.
	 * @param lock the lock object the value was published through
	 */
	void published(DlmLock lock) {
		Anchor anchor = this.anchors.get(lock);
		if (anchor == null) {
			return;
		}
		synchronized (anchor) {
			DlmLockHandle handle = anchor.handle;
			if (anchor.released || handle == null || handle.isEnded()) {
				return;
			}
			try {
				DlmCompletion read = DlmRequest.join(handle.request(DlmMode.NL, REFRESH, null));
				if (read.status() != DlmStatus.GRANTED) {
					throw DlmErrors.toException(read.status(), "convert NL to NL (value block anchor)",
							this.lockspace.name(), handle.resourceName());
				}
			}
			catch (RuntimeException ex) {
				if (!handle.isEnded()) {
					logger.warn("Could not refresh the copy of the value block of " + lock + " that its NL lock keeps; "
							+ "should the resource's master node fail, recovery may rebuild an older value (marked "
							+ "not valid)", ex);
				}
			}
		}
	}

	/**
	 * Whether a lock object holds an anchor.
	 */
	boolean isRetaining(DlmLock lock) {
		Anchor anchor = this.anchors.get(lock);
		if (anchor == null) {
			return false;
		}
		synchronized (anchor) {
			return !anchor.released && anchor.handle != null && !anchor.handle.isEnded();
		}
	}

	/**
	 * The copy of the value block a lock object's anchor keeps, which recovery may rebuild
	 * the block from.
	 * @return the 32 bytes, or {@code null} without an anchor
	 */
	byte @Nullable [] copyOf(DlmLock lock) {
		Anchor anchor = this.anchors.get(lock);
		if (anchor == null) {
			return null;
		}
		synchronized (anchor) {
			DlmLockHandle handle = anchor.handle;
			return (anchor.released || handle == null || handle.isEnded()) ? null : handle.valueBlock();
		}
	}

	/**
	 * Releases the anchors of the lock objects that pass a test, made while no anchor can
	 * be taken for the object: the value is then kept only as long as other locks on the
	 * resource exist.
	 * @param unused whether a lock object's anchor is to go
	 */
	void releaseIf(Predicate<DlmLock> unused) {
		for (Map.Entry<DlmLock, Anchor> entry : this.anchors.entrySet()) {
			Anchor anchor = entry.getValue();
			synchronized (anchor) {
				if (!anchor.released && unused.test(entry.getKey())) {
					release(entry.getKey(), anchor);
				}
			}
		}
	}

	/**
	 * Releases every anchor and takes no more. Idempotent.
	 */
	void close() {
		this.closed = true;
		releaseIf((lock) -> true);
	}

	private void take(DlmLock lock, Anchor anchor, DlmLockHandle publisher) {
		anchor.handle = null;
		try {
			DlmLockHandle handle = this.lockspace.newLock(publisher.resourceName(), null);
			DlmCompletion granted = DlmRequest.join(handle.request(DlmMode.NL, ANCHOR, null));
			if (granted.status() != DlmStatus.GRANTED) {
				throw DlmErrors.toException(granted.status(), "lock NL (value block anchor)",
						this.lockspace.name(), handle.resourceName());
			}
			anchor.handle = handle;
			// the registry closed meanwhile: close may have passed this anchor already
			if (this.closed) {
				release(lock, anchor);
			}
		}
		catch (RuntimeException ex) {
			forget(lock, anchor);
			if (publisher.isEnded()) {
				// the lockspace closed: the value goes with the publisher's lock, as it would anyway
				logger.debug("No NL lock to keep the value block of " + lock + ": its lock has ended", ex);
			}
			else {
				logger.warn("Could not take the NL lock that keeps the value block of " + lock + " alive; the "
						+ "value is lost once no lock on the resource remains", ex);
			}
		}
	}

	/** Releases an anchor; called holding its monitor. */
	private void release(DlmLock lock, Anchor anchor) {
		DlmLockHandle handle = anchor.handle;
		forget(lock, anchor);
		if (handle == null || handle.isEnded()) {
			return;
		}
		try {
			DlmCompletion completion = DlmRequest.join(handle.unlock(null));
			if (completion.status() != DlmStatus.UNLOCKED) {
				throw DlmErrors.toException(completion.status(), "unlock NL (value block anchor)",
						this.lockspace.name(), handle.resourceName());
			}
		}
		catch (RuntimeException ex) {
			if (!handle.isEnded()) {
				logger.warn("Could not release the NL lock that kept the value block of " + lock + " alive", ex);
			}
		}
	}

	private void forget(DlmLock lock, Anchor anchor) {
		anchor.handle = null;
		anchor.released = true;
		this.anchors.remove(lock, anchor);
	}

	/**
	 * The anchor of one lock object; its monitor orders taking, testing and releasing it.
	 */
	private static final class Anchor {

		@Nullable DlmLockHandle handle;

		/** Removed from the map: a new anchor must be made. */
		boolean released;

	}

}
