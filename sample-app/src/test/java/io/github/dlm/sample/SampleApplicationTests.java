package io.github.dlm.sample;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;

import com.jayway.jsonpath.JsonPath;
import org.junit.jupiter.api.Test;

import io.github.dlm.autoconfigure.DlmLeaderInitiators;
import io.github.dlm.core.DlmClient;
import io.github.dlm.lock.DlmLockRegistry;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.integration.leader.Context;
import org.springframework.integration.leader.DefaultCandidate;
import org.springframework.integration.leader.event.LeaderEventPublisher;
import org.springframework.integration.support.leader.LockRegistryLeaderInitiator;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.bean.override.mockito.MockitoSpyBean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.doAnswer;

/**
 * The sample over HTTP on a random port, on the local backend: concurrent reservations
 * never double-book a seat, and one node leads.
 */
// the health probe must answer in time on a loaded machine too; its 2 s default is a
// production setting, not what these tests are about
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = "management.health.dlm.probe-timeout=30s")
class SampleApplicationTests {

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

	@LocalServerPort
	private int port;

	// a spy (calls the real store) so that one test can stage an interleaving
	@MockitoSpyBean
	private EventStore store;

	@Autowired
	private DlmLockRegistry registry;

	private LockRegistryLeaderInitiator initiator;

	@Autowired
	void setInitiator(DlmLeaderInitiators initiators) {
		this.initiator = initiators.forRole("seat-release-sweeper").orElseThrow();
	}

	@Test
	void runsOnTheLocalBackend(@Autowired DlmClient client) {
		assertThat(client.backendName()).isEqualTo("local");
		assertThat(this.registry.getLockspace().name()).isEqualTo("seat-booking");
	}

	@Test
	void dlmEndpointShowsTheBackendAndLockspace() throws Exception {
		HttpResponse<String> dlm = this.http.send(get("/actuator/dlm"), HttpResponse.BodyHandlers.ofString());
		assertThat(dlm.statusCode()).isEqualTo(200);
		assertThat((String) JsonPath.read(dlm.body(), "$.backend")).isEqualTo("local");
		assertThat((String) JsonPath.read(dlm.body(), "$.defaultLockspace")).isEqualTo("seat-booking");
		assertThat((String) JsonPath.read(dlm.body(), "$.lockspaces.seat-booking.defaultMode")).isEqualTo("EX");
	}

	@Test
	void healthEndpointShowsTheDlmComponent() throws Exception {
		HttpResponse<String> health = this.http.send(get("/actuator/health"), HttpResponse.BodyHandlers.ofString());
		assertThat(health.statusCode()).isEqualTo(200);
		assertThat((String) JsonPath.read(health.body(), "$.components.dlm.status")).isEqualTo("UP");
		assertThat((String) JsonPath.read(health.body(), "$.components.dlm.details.backend")).isEqualTo("local");
		assertThat((String) JsonPath.read(health.body(), "$.components.dlm.details.lockspaces.seat-booking.status"))
			.isEqualTo("UP");
	}

	@Test
	void concurrentRequestsForOneSeatBookItOnce() throws Exception {
		int customers = 12;
		List<CompletableFuture<HttpResponse<String>>> responses = new ArrayList<>();
		for (int i = 0; i < customers; i++) {
			responses.add(this.http.sendAsync(post("/events/gala/seats/A1/reserve?customer=c" + i),
					HttpResponse.BodyHandlers.ofString()));
		}
		List<Integer> statuses = new ArrayList<>();
		for (CompletableFuture<HttpResponse<String>> response : responses) {
			statuses.add(response.get(60, TimeUnit.SECONDS).statusCode());
		}
		assertThat(statuses).filteredOn((status) -> status == 200).hasSize(1);
		assertThat(statuses).filteredOn((status) -> status == 409).hasSize(customers - 1);
		assertThat(this.store.bookings("gala")).singleElement().satisfies((booking) -> assertThat(booking.seat()).isEqualTo("A1"));
		String winner = this.store.bookings("gala").get(0).customer();
		HttpResponse<String> event = this.http.send(get("/events/gala"), HttpResponse.BodyHandlers.ofString());
		assertThat(event.statusCode()).isEqualTo(200);
		assertThat((String) JsonPath.read(event.body(), "$.seats.A1")).isEqualTo(winner);
	}

	@Test
	void contentionDemoReportsNoDoubleBooking() throws Exception {
		HttpResponse<String> response = this.http.send(post("/demo/contention?threads=8"),
				HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).isEqualTo(200);
		String body = response.body();
		assertThat((Integer) JsonPath.read(body, "$.attempts")).isEqualTo(8 * 6);
		assertThat((Integer) JsonPath.read(body, "$.reserved")).isEqualTo(6);
		assertThat((List<String>) JsonPath.read(body, "$.doubleBookedSeats")).isEmpty();
		assertThat((Boolean) JsonPath.read(body, "$.noDoubleBooking")).isTrue();
		Map<String, Object> perSeat = JsonPath.read(body, "$.bookingsPerSeat");
		assertThat(perSeat).hasSize(6).allSatisfy((seat, count) -> assertThat(count).isEqualTo(1));
	}

	@Test
	void withoutTheLockTheSameRaceDoubleBooks() throws Exception {
		// The contrast that shows the lock is what prevents it: without it, threads read seats
		// free during the work delay, so some are booked more than once. Left to the scheduler
		// that is likely, not certain (a loaded machine may run the threads one after another),
		// so the interleaving is staged: each customer thread's first read of the event returns
		// only once all of them have read it. Every thread then goes for its first seat while
		// all seats are free, and each seat is wanted by 4 of the 24. Were the reservations
		// serialized after all, the first reader would keep the others from reading and the
		// barrier would break: the demo fails instead of passing.
		int threads = 24;
		CyclicBarrier allHaveRead = new CyclicBarrier(threads);
		Set<Thread> haveRead = ConcurrentHashMap.newKeySet();
		doAnswer((invocation) -> {
			Object event = invocation.callRealMethod();
			String eventId = invocation.getArgument(0);
			Thread thread = Thread.currentThread();
			if (eventId.startsWith("demo-unlocked-") && thread.getName().startsWith("customer-") && haveRead.add(thread)) {
				allHaveRead.await(30, TimeUnit.SECONDS);
			}
			return event;
		}).when(this.store).read(anyString());
		HttpResponse<String> response = this.http.send(post("/demo/contention?threads=" + threads + "&locked=false"),
				HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		assertThat(haveRead).hasSize(threads);
		assertThat((Boolean) JsonPath.read(response.body(), "$.noDoubleBooking")).isFalse();
		assertThat((Integer) JsonPath.read(response.body(), "$.reserved")).isGreaterThan(6);
	}

	@Test
	void unknownSeatIsABadRequest() throws Exception {
		HttpResponse<String> response = this.http.send(post("/events/gala/seats/Z9/reserve"),
				HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).isEqualTo(400);
		assertThat(response.body()).contains("has no seat Z9");
	}

	@Test
	@DirtiesContext
	void oneNodeLeadsAndAnotherTakesOverWhenItStops() throws Exception {
		await().atMost(Duration.ofSeconds(30)).until(() -> this.initiator.getContext().isLeader());
		HttpResponse<String> leader = this.http.send(get("/leader"), HttpResponse.BodyHandlers.ofString());
		assertThat((Boolean) JsonPath.read(leader.body(), "$.leader")).isTrue();

		// a second node competing for the same role through the same lockspace
		CountDownLatch failedToAcquire = new CountDownLatch(1);
		CountDownLatch granted = new CountDownLatch(1);
		LockRegistryLeaderInitiator second = new LockRegistryLeaderInitiator(this.registry,
				new DefaultCandidate("second-node", this.initiator.getContext().getRole()));
		second.setBusyWaitMillis(50);
		second.setHeartBeatMillis(50);
		second.setPublishFailedEvents(true);
		second.setLeaderEventPublisher(new LeaderEventPublisher() {

			@Override
			public void publishOnGranted(Object source, Context context, String role) {
				granted.countDown();
			}

			@Override
			public void publishOnRevoked(Object source, Context context, String role) {
			}

			@Override
			public void publishOnFailedToAcquire(Object source, Context context, String role) {
				failedToAcquire.countDown();
			}

		});
		second.start();
		try {
			assertThat(failedToAcquire.await(30, TimeUnit.SECONDS)).isTrue();
			assertThat(second.getContext().isLeader()).isFalse();
			assertThat(this.initiator.getContext().isLeader()).isTrue();

			this.initiator.stop();
			assertThat(granted.await(30, TimeUnit.SECONDS)).isTrue();
			assertThat(second.getContext().isLeader()).isTrue();
			assertThat(this.initiator.getContext().isLeader()).isFalse();
		}
		finally {
			second.stop();
		}
	}

	private HttpRequest post(String path) {
		return HttpRequest.newBuilder(uri(path)).POST(HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(60)).build();
	}

	private HttpRequest get(String path) {
		return HttpRequest.newBuilder(uri(path)).GET().timeout(Duration.ofSeconds(60)).build();
	}

	private URI uri(String path) {
		return URI.create("http://127.0.0.1:" + this.port + path);
	}

}
