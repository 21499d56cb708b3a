package io.github.dlm.sample;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The event store in memory and in a shared directory.
 */
class EventStoreTests {

	private static SampleProperties properties(Path directory) {
		return new SampleProperties(Duration.ZERO, List.of("A1", "A2"), directory);
	}

	@Test
	void storesSharingADirectorySeeEachOthersEventsAndBookings(@TempDir Path directory) {
		EventStore first = new EventStore(properties(directory));
		EventStore second = new EventStore(properties(directory));
		assertThat(second.read("gig").seats()).containsExactly(entry("A1", ""), entry("A2", ""));
		first.write(first.read("gig").withSeat("A2", "ann"));
		first.journal(new EventStore.Booking("gig", "A2", "ann", "t1"));
		assertThat(second.read("gig").seats()).containsExactly(entry("A1", ""), entry("A2", "ann"));
		assertThat(second.bookings("gig")).containsExactly(new EventStore.Booking("gig", "A2", "ann", "t1"));
		assertThat(second.bookings("other")).isEmpty();
	}

	@Test
	void storesWithoutADirectoryKeepEventsToThemselves() {
		EventStore first = new EventStore(properties(null));
		EventStore second = new EventStore(properties(null));
		first.write(first.read("gig").withSeat("A1", "bob"));
		assertThat(first.read("gig").seats()).containsEntry("A1", "bob");
		assertThat(second.read("gig").seats()).containsEntry("A1", "");
	}

	private static java.util.Map.Entry<String, String> entry(String key, String value) {
		return java.util.Map.entry(key, value);
	}

}
