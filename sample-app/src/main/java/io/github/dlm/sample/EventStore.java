package io.github.dlm.sample;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import org.jspecify.annotations.Nullable;

import org.springframework.stereotype.Component;

/**
 * A deliberately naive store of events: reads hand out a copy, writes replace the whole
 * event. Two reservations that read the same event and write it back in turn lose one of
 * the two updates, unless something serializes them, which is the DLM lock's job here.
 * Every reservation that succeeded is also appended to a journal, so a double booking
 * shows up as two journal entries for one seat.
 * <p>
 * With {@code sample.store-directory} set, events and the journal are files in that
 * directory instead (one {@code <event>.event} of {@code seat=customer} lines and one
 * {@code <event>.journal} each), so application nodes sharing the directory share the
 * events: then only the DLM lock keeps two nodes from booking one seat twice.
 */
@Component
public class EventStore {

	private final Map<String, Event> events = new ConcurrentHashMap<>();

	private final List<Booking> journal = new CopyOnWriteArrayList<>();

	private final SampleProperties properties;

	private final @Nullable Path directory;

	EventStore(SampleProperties properties) {
		this.properties = properties;
		this.directory = properties.storeDirectory();
		if (this.directory != null) {
			try {
				Files.createDirectories(this.directory);
			}
			catch (IOException ex) {
				throw new UncheckedIOException("Cannot create sample.store-directory " + this.directory, ex);
			}
		}
	}

	/**
	 * Reads an event, creating it with all seats free on first use.
	 * @param eventId the event
	 * @return a copy of the event
	 */
	public Event read(String eventId) {
		if (this.directory != null) {
			return readFile(this.directory, eventId);
		}
		return this.events.computeIfAbsent(eventId, (id) -> Event.withFreeSeats(id, this.properties.seats()));
	}

	/**
	 * Replaces an event.
	 * @param event the new state
	 */
	public void write(Event event) {
		if (this.directory != null) {
			StringBuilder lines = new StringBuilder();
			event.seats().forEach((seat, customer) -> lines.append(seat).append('=').append(customer).append('\n'));
			Path file = this.directory.resolve(event.id() + ".event");
			Path temporary = this.directory.resolve("." + event.id() + "." + java.util.UUID.randomUUID());
			try {
				Files.writeString(temporary, lines, StandardCharsets.UTF_8);
				Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
			}
			catch (IOException ex) {
				throw new UncheckedIOException("Cannot write " + file, ex);
			}
			return;
		}
		this.events.put(event.id(), event);
	}

	/**
	 * Records a successful reservation.
	 * @param booking the booking
	 */
	public void journal(Booking booking) {
		if (this.directory != null) {
			String line = booking.seat() + "=" + booking.customer() + "=" + booking.thread() + "\n";
			try {
				Files.writeString(this.directory.resolve(booking.eventId() + ".journal"), line, StandardCharsets.UTF_8,
						StandardOpenOption.CREATE, StandardOpenOption.APPEND);
			}
			catch (IOException ex) {
				throw new UncheckedIOException("Cannot append to the journal of " + booking.eventId(), ex);
			}
			return;
		}
		this.journal.add(booking);
	}

	/**
	 * The successful reservations of an event, in order.
	 * @param eventId the event
	 * @return the bookings
	 */
	public List<Booking> bookings(String eventId) {
		if (this.directory != null) {
			Path file = this.directory.resolve(eventId + ".journal");
			List<Booking> bookings = new ArrayList<>();
			try {
				if (Files.exists(file)) {
					for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
						String[] parts = line.split("=", 3);
						bookings.add(new Booking(eventId, parts[0], parts[1], parts[2]));
					}
				}
			}
			catch (IOException ex) {
				throw new UncheckedIOException("Cannot read " + file, ex);
			}
			return bookings;
		}
		return this.journal.stream().filter((booking) -> booking.eventId().equals(eventId)).toList();
	}

	private Event readFile(Path directory, String eventId) {
		Path file = directory.resolve(eventId + ".event");
		try {
			if (!Files.exists(file)) {
				return Event.withFreeSeats(eventId, this.properties.seats());
			}
			Map<String, String> seats = new LinkedHashMap<>();
			for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
				int equals = line.indexOf('=');
				if (equals > 0) {
					seats.put(line.substring(0, equals), line.substring(equals + 1));
				}
			}
			return new Event(eventId, seats);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot read " + file, ex);
		}
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
