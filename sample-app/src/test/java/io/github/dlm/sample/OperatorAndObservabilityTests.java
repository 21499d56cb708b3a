package io.github.dlm.sample;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import com.jayway.jsonpath.JsonPath;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import io.github.dlm.core.DlmClient;
import io.github.dlm.core.DlmCompletion;
import io.github.dlm.core.DlmLockHandle;
import io.github.dlm.core.DlmLockspace;
import io.github.dlm.core.DlmMode;
import io.github.dlm.core.DlmResourceName;
import io.github.dlm.core.DlmStatus;
import io.github.dlm.core.LockspaceOptions;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample as an operator sees it, over HTTP on the local backend: the opt-in lockspace
 * release of {@code /actuator/dlm}, and the lock observations reaching Spring Boot's meter
 * registry.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "dlm.endpoint.release-lockspace.enabled=true", "management.health.dlm.probe-timeout=30s" })
class OperatorAndObservabilityTests {

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

	@LocalServerPort
	private int port;

	@Test
	void deleteReleasesALockspaceAndOnlyForceTakesItFromOtherUsers(@Autowired DlmClient client) throws Exception {
		DlmLockspace otherUser = client.openLockspace("stale", LockspaceOptions.DEFAULTS);
		DlmLockHandle lock = otherUser.newLock(DlmResourceName.of("job"), null);
		CompletableFuture<DlmCompletion> granted = lock.request(DlmMode.EX, Set.of(), null);
		assertThat(granted.get().status()).isEqualTo(DlmStatus.GRANTED);

		HttpResponse<String> kept = send(delete("/actuator/dlm/stale"));
		assertThat(kept.statusCode()).isEqualTo(200);
		assertThat((Boolean) JsonPath.read(kept.body(), "$.force")).isFalse();
		assertThat((Boolean) JsonPath.read(kept.body(), "$.wasOpen")).isFalse();
		assertThat(lock.isEnded()).as("the other user keeps its lock").isFalse();

		HttpResponse<String> forced = send(delete("/actuator/dlm/stale?force=true"));
		assertThat(forced.statusCode()).isEqualTo(200);
		assertThat((Boolean) JsonPath.read(forced.body(), "$.force")).isTrue();
		assertThat(lock.isEnded()).as("the other user lost its lock").isTrue();
		assertThat(send(delete("/actuator/dlm/stale?force=true")).statusCode()).isEqualTo(404);
	}

	@Test
	void reservationsAreObservedInTheMeterRegistry(@Autowired MeterRegistry meters) throws Exception {
		HttpResponse<String> reserved = send(HttpRequest.newBuilder(uri("/events/observed/seats/A1/reserve?customer=c1"))
			.POST(HttpRequest.BodyPublishers.noBody())
			.timeout(Duration.ofSeconds(60))
			.build());
		assertThat(reserved.statusCode()).isEqualTo(200);
		assertThat(meters.get("dlm.lock.acquire").tag("outcome", "granted").tag("backend", "local").timer().count())
			.isPositive();
		assertThat(meters.get("dlm.lock.hold").tag("lockspace", "seat-booking").timer().count()).isPositive();
		assertThat(meters.get("dlm.locks.held").gauge()).isNotNull();
		assertThat(meters.get("dlm.lock.requests.waiting").gauge()).isNotNull();
		assertThat(meters.get("dlm.lock.blocking.callbacks").functionCounter()).isNotNull();
	}

	private HttpResponse<String> send(HttpRequest request) throws Exception {
		return this.http.send(request, HttpResponse.BodyHandlers.ofString());
	}

	private HttpRequest delete(String path) {
		return HttpRequest.newBuilder(uri(path)).DELETE().timeout(Duration.ofSeconds(60)).build();
	}

	private URI uri(String path) {
		return URI.create("http://127.0.0.1:" + this.port + path);
	}

}
