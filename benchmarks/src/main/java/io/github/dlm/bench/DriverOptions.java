package io.github.dlm.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import io.github.dlm.caching.CachingDlmClient;
import io.github.dlm.core.DlmClient;
import io.github.dlm.jna.NativeDlmClient;
import io.github.dlm.local.LocalDlmClient;

/**
 * The command line of a benchmark driver that is not a JMH benchmark ({@link HandoffDriver},
 * {@link WaitersDriver}, {@link ScalingDriver}, {@link StarvationDriver}): options are
 * {@code --name value}, flags are {@code --name} alone.
 */
final class DriverOptions {

	private final Map<String, String> values;

	private DriverOptions(Map<String, String> values) {
		this.values = values;
	}

	/**
	 * Parses a driver's arguments.
	 * @param args the arguments
	 * @param flags the names of the options that take no value
	 * @return the options
	 * @throws IllegalArgumentException on an argument that is not an option, or an option
	 * without its value
	 */
	static DriverOptions parse(String[] args, Set<String> flags) {
		Map<String, String> values = new LinkedHashMap<>();
		for (int i = 0; i < args.length; i++) {
			String arg = args[i];
			if (!arg.startsWith("--")) {
				throw new IllegalArgumentException("Unexpected argument '" + arg + "': options are --name value");
			}
			String name = arg.substring(2);
			if (flags.contains(name)) {
				values.put(name, "true");
			}
			else if (i + 1 < args.length) {
				values.put(name, args[++i]);
			}
			else {
				throw new IllegalArgumentException("Option " + arg + " needs a value");
			}
		}
		return new DriverOptions(values);
	}

	String get(String name, String defaultValue) {
		return this.values.getOrDefault(name, defaultValue);
	}

	String get(String name) {
		return this.values.get(name);
	}

	boolean has(String name) {
		return this.values.containsKey(name);
	}

	int intValue(String name, int defaultValue) {
		String value = this.values.get(name);
		return (value != null) ? Integer.parseInt(value) : defaultValue;
	}

	double doubleValue(String name, double defaultValue) {
		String value = this.values.get(name);
		return (value != null) ? Double.parseDouble(value) : defaultValue;
	}

	String required(String name, String hint) {
		String value = this.values.get(name);
		if (value == null) {
			throw new IllegalArgumentException("--" + name + " is required" + hint);
		}
		return value;
	}

	/**
	 * Tells the host harness this side is ready ({@code --ready FILE}: the file is written)
	 * and waits for its go ({@code --go FILE}: until the file exists, at most 10 minutes), so
	 * that drivers on several nodes start their clocks together. Each option is skipped when
	 * absent.
	 * @throws IOException if the ready file cannot be written
	 * @throws InterruptedException if interrupted while waiting
	 */
	void signalReadyAndAwaitGo() throws IOException, InterruptedException {
		String ready = get("ready");
		if (ready != null) {
			Files.writeString(Path.of(ready), "ready\n");
		}
		String go = get("go");
		if (go != null) {
			Path path = Path.of(go);
			long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
			while (!Files.exists(path)) {
				if (System.nanoTime() > deadline) {
					throw new IllegalStateException("go-file " + path + " did not appear within 10 minutes");
				}
				Thread.sleep(5);
			}
		}
	}

	/**
	 * The backend named by {@code --backend} (default native): local, native, or either with
	 * node-level caching (local_cached, native_cached).
	 */
	Backend backend() {
		Backend backend = Backend.of(get("backend", "native"));
		return switch (backend) {
			case LOCAL, LOCAL_CACHED, NATIVE, NATIVE_CACHED -> backend;
			default -> throw new IllegalArgumentException(
					"--backend must be local, local_cached, native or native_cached, got " + backend);
		};
	}

	/** A new client of {@link #backend()}. */
	DlmClient client() {
		return switch (backend()) {
			case LOCAL -> new LocalDlmClient();
			case LOCAL_CACHED -> new CachingDlmClient(new LocalDlmClient());
			case NATIVE_CACHED -> new CachingDlmClient(new NativeDlmClient());
			default -> new NativeDlmClient();
		};
	}

	/** The lockspace named by {@code --lockspace}, by default the benchmarks' own. */
	String lockspace() {
		return get("lockspace", BenchSettings.LOCKSPACE);
	}

}
