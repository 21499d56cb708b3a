package io.github.dlm.cluster.workload;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;

/**
 * The host's wall clock, read from a node through the shared directory: writing one byte to a
 * file on the 9p share makes the host's kernel set the file's modification time from the
 * host's clock, and reading the time back gives it to the node.
 * <p>
 * One clock for every client on every node, immune to a {@code clock-step} of the node and
 * available to a partitioned node too (the share does not go through the cluster's switch),
 * so no fallback is needed. The host kernel stamps files with its coarse clock (one tick, a
 * few milliseconds), which never runs backwards: a stamp taken after another in real time is
 * never smaller, so two stamps taken by different clients keep their real order or are
 * equal. Each stamp costs two round trips to the host (a write and a stat).
 */
public final class HostClock {

	private final Path file;

	private final FileChannel channel;

	private final ByteBuffer oneByte = ByteBuffer.allocate(1);

	/**
	 * Uses a file of its own on the share.
	 * @param file the file (created if missing); one per client
	 * @throws IOException if it cannot be opened
	 */
	public HostClock(Path file) throws IOException {
		this.file = file;
		this.channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
	}

	/**
	 * Reads the host's clock: the time lies between this call's start and its return.
	 * @return host epoch time in nanoseconds
	 * @throws IOException if the share cannot be written or read
	 */
	public synchronized long nanos() throws IOException {
		this.oneByte.clear();
		this.channel.write(this.oneByte, 0);
		return Files.getLastModifiedTime(this.file).to(TimeUnit.NANOSECONDS);
	}

}
