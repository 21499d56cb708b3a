package io.github.dlm.cluster.workload;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The counter the workload increments under the lock, kept outside the lock manager in a file
 * on the 9p share, which a partition does not cut: a holder cut off from the cluster can
 * still write it. The value is written in place as a fixed-width decimal line (one write
 * of 21 bytes at offset 0, then fsync), so a writer killed halfway leaves the old or the new
 * value, never a truncated file.
 */
public final class SharedCounter {

	private static final int WIDTH = 20;

	private final Path file;

	/**
	 * A counter in a file.
	 * @param file the file; a missing or empty one reads as 0
	 */
	public SharedCounter(Path file) {
		this.file = file;
	}

	/**
	 * Reads the counter.
	 * @return its value
	 * @throws IOException if the file cannot be read
	 */
	public long read() throws IOException {
		if (!Files.exists(this.file)) {
			return 0;
		}
		String text = Files.readString(this.file, StandardCharsets.US_ASCII).trim();
		return text.isEmpty() ? 0 : Long.parseLong(text);
	}

	/**
	 * Writes the counter and waits until the host has it on disk.
	 * @param value the new value
	 * @throws IOException if the file cannot be written
	 */
	public void write(long value) throws IOException {
		byte[] line = (String.format("%0" + WIDTH + "d", value) + "\n").getBytes(StandardCharsets.US_ASCII);
		try (FileChannel channel = FileChannel.open(this.file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
			ByteBuffer buffer = ByteBuffer.wrap(line);
			while (buffer.hasRemaining()) {
				channel.write(buffer, buffer.position());
			}
			channel.force(true);
		}
	}

}
