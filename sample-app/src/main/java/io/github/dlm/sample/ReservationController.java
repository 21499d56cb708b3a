package io.github.dlm.sample;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The HTTP face of the sample: reserve seats, read events, run the contention demo.
 */
@RestController
class ReservationController {

	private final SeatReservationService reservations;

	private final ContentionDemo demo;

	ReservationController(SeatReservationService reservations, ContentionDemo demo) {
		this.reservations = reservations;
		this.demo = demo;
	}

	@PostMapping("/events/{id}/seats/{seat}/reserve")
	ResponseEntity<SeatReservationService.Reservation> reserve(@PathVariable("id") String id,
			@PathVariable("seat") String seat, @RequestParam(name = "customer", defaultValue = "anonymous") String customer) {
		SeatReservationService.Reservation reservation = this.reservations.reserve(id, seat, customer);
		return ResponseEntity.status(reservation.reserved() ? HttpStatus.OK : HttpStatus.CONFLICT).body(reservation);
	}

	@GetMapping("/events/{id}")
	EventStore.Event event(@PathVariable("id") String id) {
		return this.reservations.event(id);
	}

	@PostMapping("/demo/contention")
	ContentionDemo.Report contention(@RequestParam(name = "threads", defaultValue = "8") int threads,
			@RequestParam(name = "locked", defaultValue = "true") boolean locked) throws Exception {
		return this.demo.run(threads, locked);
	}

	@ExceptionHandler({ SeatReservationService.UnknownSeatException.class, IllegalArgumentException.class })
	ResponseEntity<String> badRequest(RuntimeException ex) {
		return ResponseEntity.badRequest().body(ex.getMessage());
	}

}
