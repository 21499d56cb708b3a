package io.github.dlm.sample;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import org.springframework.stereotype.Component;

/**
 * A deliberately naive store of events: reads hand out a copy, writes replace the whole
 * event. Two reservations that read the same event and write it back in turn lose one of
 * the two updates, unless something serializes them, which is the DLM lock's job here.
 * Every reservation that succeeded is also appended to a journal, so a double booking
 * shows up as two journal entries for one seat.
 */
@Component
public class EventStore {

	private final Map<String, Event> events = new ConcurrentHashMap<>();

	private final List<Booking> journal = new CopyOnWriteArrayList<>();

	private final SampleProperties properties;

	EventStore(SampleProperties properties) {
		this.properties = properties;
	}

	/**
	 * Reads an event, creating it with all seats free on first use.
	 * @param eventId the event
	 * @return a copy of the event
	 */
	public Event read(String eventId) {
		return this.events.computeIfAbsent(eventId, (id) -> Event.withFreeSeats(id, this.properties.seats()));
	}

	/**
	 * Replaces an event.
	 * @param event the new state
	 */
	public void write(Event event) {
		this.events.put(event.id(), event);
	}

	/**
	 * Records a successful reservation.
	 * @param booking the booking
	 */
	public void journal(Booking booking) {
		this.journal.add(booking);
	}

	/**
	 * The successful reservations of an event, in order.
	 * @param eventId the event
	 * @return the bookings
	 */
	public List<Booking> bookings(String eventId) {
		return this.journal.stream().filter((booking) -> booking.eventId().equals(eventId)).toList();
	}

	/**
	 * An event and who holds each seat.
	 *
	 * @param id the event id
	 * @param seats seat to customer, {@code ""} when free; in seat order
	 */
	public record Event(String id, Map<String, String> seats) {

		static Event withFreeSeats(String id, List<String> seatNames) {
			Map<String, String> seats = new LinkedHashMap<>();
			seatNames.forEach((seat) -> seats.put(seat, ""));
			return new Event(id, seats);
		}

		/**
		 * Copies the seat map.
		 */
		public Event {
			seats = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(seats));
		}

		/**
		 * The event with one more seat taken.
		 * @param seat the seat
		 * @param customer who takes it
		 * @return the new state
		 */
		Event withSeat(String seat, String customer) {
			Map<String, String> seats = new LinkedHashMap<>(this.seats);
			seats.put(seat, customer);
			return new Event(this.id, seats);
		}

	}

	/**
	 * A successful reservation.
	 *
	 * @param eventId the event
	 * @param seat the seat
	 * @param customer who reserved it
	 * @param thread the thread that made it
	 */
	public record Booking(String eventId, String seat, String customer, String thread) {
	}

}
