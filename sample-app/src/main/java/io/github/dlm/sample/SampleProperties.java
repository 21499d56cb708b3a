package io.github.dlm.sample;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Settings of the sample, under {@code sample}.
 *
 * @param workDelay how long a reservation "works" between reading and writing the event,
 * so that unserialized reservations would overwrite each other
 * @param seats the seats of every event
 * @param storeDirectory where events are kept as files, so that several nodes sharing the
 * directory (a network file system) share the events; unset: in memory, per JVM
 */
@ConfigurationProperties("sample")
public record SampleProperties(Duration workDelay, List<String> seats, @Nullable Path storeDirectory) {

	/**
	 * Applies defaults.
	 */
	public SampleProperties {
		workDelay = (workDelay != null) ? workDelay : Duration.ofMillis(20);
		seats = (seats != null && !seats.isEmpty()) ? List.copyOf(seats) : List.of("A1", "A2", "A3", "B1", "B2", "B3");
	}

}
