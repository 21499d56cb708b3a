package io.github.dlm.sample;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import io.github.dlm.aop.DlmLocked;
import io.github.dlm.core.DlmMode;

import org.springframework.stereotype.Service;

/**
 * Reserves seats. Each reservation reads the event, works a little, and writes it back:
 * {@code @DlmLocked} on the event's key makes those steps atomic for every thread of every
 * node that uses the same lockspace, and reads share the event's lock in PR mode.
 */
@Service
public class SeatReservationService {

	private static final Log logger = LogFactory.getLog(SeatReservationService.class);

	private final EventStore store;

	private final SampleProperties properties;

	SeatReservationService(EventStore store, SampleProperties properties) {
		this.store = store;
		this.properties = properties;
	}

	/**
	 * Reserves a seat unless it is taken, holding the event's lock in EX mode.
	 * @param eventId the event
	 * @param seat the seat
	 * @param customer who reserves it
	 * @return what happened
	 * @throws UnknownSeatException if the event has no such seat
	 */
	@DlmLocked(key = "'event:' + #eventId")
	public Reservation reserve(String eventId, String seat, String customer) {
		String thread = Thread.currentThread().getName();
		logger.debug("acquired lock event:" + eventId + " (EX) on " + thread + " to reserve " + seat + " for " + customer);
		try {
			return readModifyWrite(eventId, seat, customer);
		}
		finally {
			logger.debug("releasing lock event:" + eventId + " (EX) on " + thread);
		}
	}

	/**
	 * The same reservation without any lock, to show what the lock prevents: concurrent
	 * calls read the same free seat and each one books it.
	 * @param eventId the event
	 * @param seat the seat
	 * @param customer who reserves it
	 * @return what happened
	 */
	public Reservation reserveWithoutLock(String eventId, String seat, String customer) {
		return readModifyWrite(eventId, seat, customer);
	}

	private Reservation readModifyWrite(String eventId, String seat, String customer) {
		String thread = Thread.currentThread().getName();
		EventStore.Event event = this.store.read(eventId);
		String holder = event.seats().get(seat);
		if (holder == null) {
			throw new UnknownSeatException(eventId, seat, event.seats().keySet());
		}
		pause();
		if (!holder.isEmpty()) {
			return new Reservation(eventId, seat, customer, false, holder, thread);
		}
		this.store.write(event.withSeat(seat, customer));
		this.store.journal(new EventStore.Booking(eventId, seat, customer, thread));
		return new Reservation(eventId, seat, customer, true, customer, thread);
	}

	/**
	 * Reads an event, holding its lock in PR mode: readers run together, never while a
	 * reservation of that event is half done.
	 * @param eventId the event
	 * @return the event
	 */
	@DlmLocked(key = "'event:' + #eventId", mode = DlmMode.PR)
	public EventStore.Event event(String eventId) {
		return this.store.read(eventId);
	}

	private void pause() {
		try {
			Thread.sleep(this.properties.workDelay().toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while reserving", ex);
		}
	}

	/**
	 * The outcome of a reservation.
	 *
	 * @param eventId the event
	 * @param seat the seat
	 * @param customer who asked
	 * @param reserved whether the seat is now theirs
	 * @param holder who holds the seat now
	 * @param thread the thread that ran the reservation
	 */
	public record Reservation(String eventId, String seat, String customer, boolean reserved, String holder,
			String thread) {
	}

	/**
	 * The event has no such seat.
	 */
	public static class UnknownSeatException extends RuntimeException {

		UnknownSeatException(String eventId, String seat, java.util.Set<String> seats) {
			super("Event " + eventId + " has no seat " + seat + "; its seats are " + seats);
		}

	}

}
