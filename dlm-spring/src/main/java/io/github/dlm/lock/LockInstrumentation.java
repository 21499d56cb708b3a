package io.github.dlm.lock;

import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.LongAdder;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import org.jspecify.annotations.Nullable;

import io.github.dlm.core.DlmCancelledException;
import io.github.dlm.core.DlmDeadlockException;
import io.github.dlm.core.DlmMode;

import io.github.dlm.lock.observation.DefaultDlmHoldObservationConvention;
import io.github.dlm.lock.observation.DefaultDlmLockObservationConvention;
import io.github.dlm.lock.observation.DlmHoldObservationContext;
import io.github.dlm.lock.observation.DlmHoldObservationConvention;
import io.github.dlm.lock.observation.DlmLockObservation;
import io.github.dlm.lock.observation.DlmLockObservationContext;
import io.github.dlm.lock.observation.DlmLockObservationConvention;
import io.github.dlm.lock.observation.DlmLockOutcome;

/**
 * What one registry's lock objects report: the observations of acquisitions and holds,
 * when an {@link ObservationRegistry} other than {@link ObservationRegistry#NOOP} is set
 * (with the no-op registry nothing is allocated), and the counts behind the registry's
 * meters (requests waiting, blocking callbacks delivered), kept always.
 */
final class LockInstrumentation {

	private volatile ObservationRegistry observationRegistry = ObservationRegistry.NOOP;

	private volatile @Nullable DlmLockObservationConvention lockConvention;

	private volatile @Nullable DlmHoldObservationConvention holdConvention;

	private volatile String backendName = "unknown";

	private final LongAdder waiting = new LongAdder();

	private final LongAdder blockingCallbacks = new LongAdder();

	void setObservationRegistry(ObservationRegistry observationRegistry) {
		this.observationRegistry = observationRegistry;
	}

	ObservationRegistry observationRegistry() {
		return this.observationRegistry;
	}

	void setLockConvention(@Nullable DlmLockObservationConvention lockConvention) {
		this.lockConvention = lockConvention;
	}

	void setHoldConvention(@Nullable DlmHoldObservationConvention holdConvention) {
		this.holdConvention = holdConvention;
	}

	void setBackendName(String backendName) {
		this.backendName = backendName;
	}

	String backendName() {
		return this.backendName;
	}

	/**
	 * Starts the observation of an acquisition, or a conversion, through a lock object.
	 * @param mode the mode asked for
	 * @return the observation, {@code null} when observations are off
	 */
	@Nullable Observation acquisitionStarted(DlmLock lock, DlmMode mode, boolean asynchronous) {
		ObservationRegistry registry = this.observationRegistry;
		if (registry.isNoop()) {
			return null;
		}
		DlmLockObservationContext context = new DlmLockObservationContext(lock.lockspace().name(), this.backendName,
				lock.shownKey(), lock.resourceName().toString(), mode, asynchronous);
		return DlmLockObservation.ACQUISITION
			.observation(this.lockConvention, DefaultDlmLockObservationConvention.INSTANCE, () -> context, registry)
			.start();
	}

	/**
	 * Stops the observation of an acquisition with its outcome.
	 * @param observation the observation, {@code null} when observations are off
	 * @param outcome how it ended
	 * @param failure what it ended with, if it failed
	 */
	static void acquisitionEnded(@Nullable Observation observation, DlmLockOutcome outcome,
			@Nullable Throwable failure) {
		if (observation == null) {
			return;
		}
		((DlmLockObservationContext) observation.getContext()).setOutcome(outcome);
		if (failure != null) {
			observation.error(failure);
		}
		observation.stop();
	}

	/**
	 * The outcome of an acquisition that ended with an exception.
	 * @param failure the exception
	 */
	static DlmLockOutcome outcomeOf(Throwable failure) {
		if (failure instanceof DlmDeadlockException) {
			return DlmLockOutcome.DEADLOCK;
		}
		if (failure instanceof DlmCancelledException || failure instanceof CancellationException) {
			return DlmLockOutcome.CANCELLED;
		}
		if (failure instanceof InterruptedException) {
			return DlmLockOutcome.INTERRUPTED;
		}
		return DlmLockOutcome.ERROR;
	}

	/**
	 * Starts the observation of a hold.
	 * @param mode the mode granted
	 * @return the observation, {@code null} when observations are off
	 */
	@Nullable Observation holdStarted(DlmLock lock, DlmMode mode, boolean asynchronous) {
		ObservationRegistry registry = this.observationRegistry;
		if (registry.isNoop()) {
			return null;
		}
		DlmHoldObservationContext context = new DlmHoldObservationContext(lock.lockspace().name(), this.backendName,
				lock.shownKey(), lock.resourceName().toString(), mode, asynchronous);
		return DlmLockObservation.HOLD
			.observation(this.holdConvention, DefaultDlmHoldObservationConvention.INSTANCE, () -> context, registry)
			.start();
	}

	/** A request began to wait for a new DLM lock. */
	void waitStarted() {
		this.waiting.increment();
	}

	/** A request stopped waiting. */
	void waitEnded() {
		this.waiting.decrement();
	}

	long waiting() {
		return this.waiting.sum();
	}

	/** A blocking callback was delivered to one of the registry's locks. */
	void blockingCallback() {
		this.blockingCallbacks.increment();
	}

	long blockingCallbacks() {
		return this.blockingCallbacks.sum();
	}

}
