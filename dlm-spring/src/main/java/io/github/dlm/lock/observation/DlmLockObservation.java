package io.github.dlm.lock.observation;

import io.micrometer.common.docs.KeyName;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;
import io.micrometer.observation.docs.ObservationDocumentation;

/**
 * The observations of the lock layer. With Micrometer's default meter handler each gives a
 * timer of its name (and a long task timer {@code <name>.active} while it runs); with a
 * tracer, a span.
 * <ul>
 * <li>{@link #ACQUISITION} {@code dlm.lock.acquire}: each wait for a new DLM lock, tagged
 * with its {@code outcome}.</li>
 * <li>{@link #HOLD} {@code dlm.lock.hold}: each hold, from grant to release, with an event
 * {@code dlm.lock.blocking} for each blocking callback it receives.</li>
 * </ul>
 * A conversion ({@code convert}, {@code tryConvert}, or a re-entry that needs a stronger
 * mode than the thread holds) is observed as an acquisition of the mode it converts to; a
 * re-entry that only counts is not observed.
 */
public enum DlmLockObservation implements ObservationDocumentation {

	/**
	 * One acquisition of a DLM lock by a thread ({@code lock()}, {@code tryLock()},
	 * {@code lockInterruptibly()}) or an asynchronous owner ({@code lockAsync()},
	 * {@code tryLockAsync()}), or one conversion, from the request until it ends.
	 */
	ACQUISITION {

		@Override
		public Class<? extends ObservationConvention<? extends Observation.Context>> getDefaultConvention() {
			return DefaultDlmLockObservationConvention.class;
		}

		@Override
		public KeyName[] getLowCardinalityKeyNames() {
			return KeyName.merge(LockKeyNames.values(), AcquisitionKeyNames.values());
		}

		@Override
		public KeyName[] getHighCardinalityKeyNames() {
			return ResourceKeyNames.values();
		}

	},

	/**
	 * One hold of a DLM lock, from its grant until its release (or the end of its
	 * lockspace).
	 */
	HOLD {

		@Override
		public Class<? extends ObservationConvention<? extends Observation.Context>> getDefaultConvention() {
			return DefaultDlmHoldObservationConvention.class;
		}

		@Override
		public KeyName[] getLowCardinalityKeyNames() {
			return LockKeyNames.values();
		}

		@Override
		public KeyName[] getHighCardinalityKeyNames() {
			return ResourceKeyNames.values();
		}

		@Override
		public Observation.Event[] getEvents() {
			return HoldEvents.values();
		}

	};

	/**
	 * Low-cardinality keys of both observations.
	 */
	public enum LockKeyNames implements KeyName {

		/** The lockspace name. */
		LOCKSPACE {
			@Override
			public String asString() {
				return "lockspace";
			}
		},

		/** The mode asked for or held: {@code NL}, {@code CR}, {@code CW}, {@code PR}, {@code PW}, {@code EX}. */
		MODE {
			@Override
			public String asString() {
				return "mode";
			}
		},

		/** The backend: {@code local} or {@code native}. */
		BACKEND {
			@Override
			public String asString() {
				return "backend";
			}
		},

		/** Who asks or holds: {@code thread} or {@code async}. */
		OWNER {
			@Override
			public String asString() {
				return "owner";
			}
		}

	}

	/**
	 * Low-cardinality keys of the acquisition observation only.
	 */
	public enum AcquisitionKeyNames implements KeyName {

		/**
		 * How the acquisition ended: a {@link DlmLockOutcome#value()} ({@code granted},
		 * {@code not_granted}, {@code timed_out}, {@code interrupted}, {@code deadlock},
		 * {@code cancelled}, {@code error}), {@code waiting} while it waits.
		 */
		OUTCOME {
			@Override
			public String asString() {
				return "outcome";
			}
		}

	}

	/**
	 * High-cardinality keys of both observations: which lock.
	 */
	public enum ResourceKeyNames implements KeyName {

		/** The lock key as logs show it (long keys shortened). */
		KEY {
			@Override
			public String asString() {
				return "key";
			}
		},

		/** The DLM resource name the key maps to. */
		RESOURCE {
			@Override
			public String asString() {
				return "resource";
			}
		}

	}

	/**
	 * Events of the hold observation.
	 */
	public enum HoldEvents implements Observation.Event {

		/** The hold blocks another request (a blocking callback of the lock manager). */
		BLOCKING {
			@Override
			public String getName() {
				return "dlm.lock.blocking";
			}

			@Override
			public String getContextualName() {
				return "blocking";
			}
		}

	}

}
