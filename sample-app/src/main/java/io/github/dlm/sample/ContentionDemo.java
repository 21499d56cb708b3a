package io.github.dlm.sample;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.stereotype.Component;
import org.springframework.util.Assert;

/**
 * Fires concurrent reservations at one fresh event, every thread going for every seat
 * in a different order, and reports whether any seat was booked twice.
 */
@Component
public class ContentionDemo {

	private static final Log logger = LogFactory.getLog(ContentionDemo.class);

	private static final int MAX_THREADS = 64;

	private final SeatReservationService reservations;

	private final EventStore store;

	private final AtomicLong runs = new AtomicLong();

	ContentionDemo(SeatReservationService reservations, EventStore store) {
		this.reservations = reservations;
		this.store = store;
	}

	/**
	 * Runs the demo.
	 * @param threads how many threads compete, 1..64
	 * @param locked whether reservations take the event's DLM lock; {@code false} shows the
	 * double bookings the lock prevents
	 * @return the report
	 * @throws InterruptedException if interrupted while waiting for the threads
	 */
	public Report run(int threads, boolean locked) throws Exception {
		Assert.isTrue(threads >= 1 && threads <= MAX_THREADS, () -> "threads must be 1.." + MAX_THREADS + " but was " + threads);
		String eventId = (locked ? "demo-" : "demo-unlocked-") + this.runs.incrementAndGet();
		List<String> seats = new ArrayList<>(this.store.read(eventId).seats().keySet());
		logger.info("contention demo on event " + eventId + ": " + threads + " threads race for " + seats.size() + " seats "
				+ (locked ? "under the event's DLM lock" : "WITHOUT a lock"));
		AtomicLong threadNumbers = new AtomicLong();
		ExecutorService executor = Executors.newFixedThreadPool(threads, (task) -> new Thread(task, "customer-" + threadNumbers.incrementAndGet()));
		CountDownLatch start = new CountDownLatch(1);
		try {
			List<Future<List<SeatReservationService.Reservation>>> futures = new ArrayList<>();
			for (int t = 0; t < threads; t++) {
				String customer = "customer-" + (t + 1);
				int offset = t;
				futures.add(executor.submit(() -> {
					start.await();
					List<SeatReservationService.Reservation> outcomes = new ArrayList<>();
					for (int i = 0; i < seats.size(); i++) {
						String seat = seats.get((i + offset) % seats.size());
						outcomes.add(locked ? this.reservations.reserve(eventId, seat, customer)
								: this.reservations.reserveWithoutLock(eventId, seat, customer));
					}
					return outcomes;
				}));
			}
			start.countDown();
			int attempts = 0;
			int granted = 0;
			for (Future<List<SeatReservationService.Reservation>> future : futures) {
				for (SeatReservationService.Reservation outcome : future.get(2, TimeUnit.MINUTES)) {
					attempts++;
					granted += outcome.reserved() ? 1 : 0;
				}
			}
			Map<String, Long> bookingsPerSeat = this.store.bookings(eventId)
				.stream()
				.collect(Collectors.groupingBy(EventStore.Booking::seat, TreeMap::new, Collectors.counting()));
			List<String> doubleBooked = bookingsPerSeat.entrySet()
				.stream()
				.filter((entry) -> entry.getValue() > 1)
				.map(Map.Entry::getKey)
				.toList();
			Map<String, String> finalSeats = this.reservations.event(eventId).seats();
			Report report = new Report(eventId, locked, threads, attempts, granted, doubleBooked.isEmpty(), doubleBooked,
					bookingsPerSeat, finalSeats);
			logger.info("contention demo on event " + eventId + ": " + attempts + " attempts, " + granted
					+ " reservations, double-booked seats: " + (doubleBooked.isEmpty() ? "none" : doubleBooked));
			return report;
		}
		finally {
			executor.shutdownNow();
		}
	}

	/**
	 * What the demo saw.
	 *
	 * @param eventId the event raced for
	 * @param locked whether reservations took the DLM lock
	 * @param threads how many threads competed
	 * @param attempts reservations attempted
	 * @param reserved reservations that succeeded (at most one per seat when serialized)
	 * @param noDoubleBooking whether every seat was booked at most once
	 * @param doubleBookedSeats seats reserved more than once (empty when serialized)
	 * @param bookingsPerSeat successful reservations per seat
	 * @param seats who holds each seat at the end
	 */
	public record Report(String eventId, boolean locked, int threads, int attempts, int reserved, boolean noDoubleBooking,
			List<String> doubleBookedSeats, Map<String, Long> bookingsPerSeat, Map<String, String> seats) {
	}

}
