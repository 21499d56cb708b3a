package io.github.dlm.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import io.github.dlm.caching.CachingDlmClient;
import io.github.dlm.core.DlmClient;
import io.github.dlm.local.LocalDlmClient;

/**
 * What a driver reads of its own process and of the lock manager: resident memory and OS
 * threads (Linux {@code /proc/self/status}), heap in use after a collection, and the number
 * of DLM locks in a lockspace as the lock manager shows them (the local engine's dump; the
 * kernel's debugfs lock dump, {@code lkb} lines of {@code /sys/kernel/debug/dlm/<ls>_all}, the
 * format that prints every lock under its resource).
 */
final class Footprint {

	private static final Path STATUS = Path.of("/proc/self/status");

	private static final Path KERNEL_DEBUG = Path.of("/sys/kernel/debug/dlm");

	private Footprint() {
	}

	/** Resident set size in bytes, -1 where {@code /proc} is not there. */
	static long residentBytes() {
		long kib = statusField("VmRSS:");
		return (kib < 0) ? -1 : kib * 1024;
	}

	/** Threads of this process as the OS counts them (virtual threads are not among them). */
	static long osThreads() {
		long threads = statusField("Threads:");
		return (threads < 0) ? ManagementFactory.getThreadMXBean().getThreadCount() : threads;
	}

	/** Heap in use after asking for two full collections. */
	static long heapUsedAfterGc() {
		Runtime runtime = Runtime.getRuntime();
		for (int i = 0; i < 2; i++) {
			System.gc();
		}
		return runtime.totalMemory() - runtime.freeMemory();
	}

	/**
	 * DLM locks (granted, converting or waiting) in a lockspace, as the lock manager sees
	 * them: all of the local engine's; those of the kernel that its debug dump of this node
	 * lists (needs root and debugfs). Behind node-level caching, the locks of the backend it
	 * caches (one per resource, not one per local holder).
	 * @return the count, -1 when the kernel's dump cannot be read
	 */
	static long dlmLocks(DlmClient client, String lockspace) {
		if (client instanceof CachingDlmClient caching) {
			return dlmLocks(caching.delegate(), lockspace);
		}
		if (client instanceof LocalDlmClient local) {
			return local.dump(lockspace).size();
		}
		Path dump = KERNEL_DEBUG.resolve(lockspace + "_all");
		if (!Files.isReadable(dump)) {
			return -1;
		}
		try (Stream<String> lines = Files.lines(dump)) {
			return lines.filter((line) -> line.startsWith("lkb ")).count();
		}
		catch (IOException ex) {
			return -1;
		}
	}

	private static long statusField(String name) {
		if (!Files.isReadable(STATUS)) {
			return -1;
		}
		try (Stream<String> lines = Files.lines(STATUS)) {
			return lines.filter((line) -> line.startsWith(name))
				.map((line) -> line.substring(name.length()).trim().split("\\s+")[0])
				.mapToLong(Long::parseLong)
				.findFirst()
				.orElse(-1);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
