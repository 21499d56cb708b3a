package io.github.dlm.jna;

import java.io.IOException;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.github.dlm.core.DlmLockspaceCondition;
import io.github.dlm.core.DlmLockspaceState;
import io.github.dlm.core.DlmLockspaceStateSource;
import org.jspecify.annotations.Nullable;

/**
 * The condition of a lockspace as the Linux kernel and {@code dlm_controld} show it.
 * <p>
 * The kernel's {@code /sys/kernel/dlm/<lockspace>/recover_status} is the cheap signal,
 * one small file read: {@code dlm_controld} stops a lockspace ({@code recover_status}
 * becomes 0) as soon as corosync reports a membership change, and the kernel's recovery
 * sets the bits of its steps, {@code DLM_RS_DONE} (0x40) last. So the lockspace is
 * {@link DlmLockspaceState#RUNNING} when that bit is set, and no directory means this node
 * has {@link DlmLockspaceState#LEFT} it.
 * <p>
 * Only while the lockspace is stopped is {@code dlm_controld} asked why, by running
 * {@code dlm_tool ls} (one short process per read, only while in doubt): its {@code new
 * status} line says {@code wait quorum} ({@link DlmLockspaceState#NO_QUORUM}) or
 * {@code wait fencing}, {@code wait messages}... ({@link DlmLockspaceState#RECOVERING});
 * its {@code new change} line how many members left or failed. That needs the rights
 * {@code dlm_tool} needs (root); without them, or when it does not answer within the
 * command timeout, the state is {@link DlmLockspaceState#RECOVERING} and the cause says
 * that {@code dlm_controld} could not be asked.
 * <p>
 * Seen on a 3-node cluster (kernel 6.1, dlm_controld 4.2.0, corosync token 10 s) with node
 * 3 cut off the network: node 3's {@code recover_status} went to 0 and {@code dlm_tool ls}
 * said {@code wait quorum} 21.9 s after the cut, 2.6 s before the quorate part fenced it;
 * node 1's went to 0 ({@code wait fencing}) 22.5 s after the cut, and back to 0xff 3 s after
 * the fence. A running lockspace shows 0xff on its lowest node (which also sets the
 * {@code _ALL} bits) and 0x55 on the others.
 */
public final class KernelLockspaceStateSource implements DlmLockspaceStateSource {

	/** Where the kernel lists its lockspaces. */
	public static final Path SYSFS_ROOT = Path.of("/sys/kernel/dlm");

	/**
	 * How {@code dlm_controld} is asked: {@code dlm_tool ls}, from {@code /usr/sbin} where
	 * the distributions install it (a service's {@code PATH} often lacks it), else from the
	 * {@code PATH}.
	 */
	public static final List<String> DLM_TOOL_LS = List.of(
			Files.isExecutable(Path.of("/usr/sbin/dlm_tool")) ? "/usr/sbin/dlm_tool" : "dlm_tool", "ls");

	/** The kernel's {@code DLM_RS_DONE}: the last step of recovery is done. */
	private static final int DLM_RS_DONE = 0x40;

	private static final Duration DEFAULT_COMMAND_TIMEOUT = Duration.ofSeconds(5);

	private final Path sysfsRoot;

	private final List<String> controldCommand;

	private final Duration commandTimeout;

	/**
	 * Creates a source reading {@link #SYSFS_ROOT} and asking {@link #DLM_TOOL_LS}.
	 */
	public KernelLockspaceStateSource() {
		this(SYSFS_ROOT, DLM_TOOL_LS, DEFAULT_COMMAND_TIMEOUT);
	}

	/**
	 * Creates a source.
	 * @param sysfsRoot the directory with one directory per lockspace
	 * @param controldCommand the command that prints {@code dlm_tool ls}'s output
	 * @param commandTimeout how long the command may take
	 */
	public KernelLockspaceStateSource(Path sysfsRoot, List<String> controldCommand, Duration commandTimeout) {
		this.sysfsRoot = sysfsRoot;
		this.controldCommand = List.copyOf(controldCommand);
		this.commandTimeout = commandTimeout;
	}

	@Override
	public DlmLockspaceCondition read(String lockspace) {
		Path statusFile = this.sysfsRoot.resolve(lockspace).resolve("recover_status");
		String status;
		try {
			status = Files.readString(statusFile, StandardCharsets.US_ASCII).trim();
		}
		catch (NoSuchFileException ex) {
			return new DlmLockspaceCondition(DlmLockspaceState.LEFT,
					"no " + this.sysfsRoot.resolve(lockspace) + ": the kernel has no lockspace '" + lockspace
							+ "' on this node");
		}
		catch (IOException ex) {
			return new DlmLockspaceCondition(DlmLockspaceState.RECOVERING, "cannot read " + statusFile + ": " + ex);
		}
		int bits;
		try {
			bits = Integer.parseInt(status, 16);
		}
		catch (NumberFormatException ex) {
			return new DlmLockspaceCondition(DlmLockspaceState.RECOVERING,
					"unexpected recover_status '" + status + "' in " + statusFile);
		}
		String kernel = "recover_status 0x" + Integer.toHexString(bits);
		if ((bits & DLM_RS_DONE) != 0) {
			return DlmLockspaceCondition.running(kernel);
		}
		return askControld(lockspace, kernel);
	}

	private DlmLockspaceCondition askControld(String lockspace, String kernel) {
		List<String> block;
		try {
			block = lockspaceBlock(runCommand(), lockspace);
		}
		catch (IOException ex) {
			return new DlmLockspaceCondition(DlmLockspaceState.RECOVERING,
					kernel + " (stopped); dlm_controld not asked: " + ex.getMessage());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return new DlmLockspaceCondition(DlmLockspaceState.RECOVERING,
					kernel + " (stopped); interrupted while asking dlm_controld");
		}
		String change = value(block, "new change");
		String status = value(block, "new status");
		StringBuilder cause = new StringBuilder(kernel).append(" (stopped)");
		if (change == null && status == null) {
			cause.append("; dlm_controld reports no pending change");
			if (block.isEmpty()) {
				cause.append(" (lockspace '").append(lockspace).append("' not listed)");
			}
		}
		else {
			cause.append("; dlm_controld:");
			if (change != null) {
				cause.append(" new change ").append(change);
			}
			if (status != null) {
				cause.append((change != null) ? "," : "").append(" status ").append(status);
			}
		}
		boolean waitsForQuorum = status != null && status.contains("wait quorum");
		return new DlmLockspaceCondition(waitsForQuorum ? DlmLockspaceState.NO_QUORUM : DlmLockspaceState.RECOVERING,
				cause.toString());
	}

	private List<String> runCommand() throws IOException, InterruptedException {
		// Output through a file, not a pipe: a command that hangs cannot block the read.
		Path output = Files.createTempFile("dlm-tool-ls-", ".out");
		Process process = null;
		try {
			process = new ProcessBuilder(this.controldCommand).redirectErrorStream(true)
				.redirectOutput(output.toFile())
				.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
				.start();
			String command = String.join(" ", this.controldCommand);
			if (!process.waitFor(this.commandTimeout.toNanos(), TimeUnit.NANOSECONDS)) {
				throw new IOException(command + " did not answer within " + this.commandTimeout.toMillis() + " ms");
			}
			String text = Files.readString(output, StandardCharsets.UTF_8);
			if (process.exitValue() != 0) {
				throw new IOException(command + " exited with " + process.exitValue() + ": " + text.strip());
			}
			return text.lines().toList();
		}
		finally {
			if (process != null) {
				process.destroyForcibly();
			}
			Files.deleteIfExists(output);
		}
	}

	/** The lines of {@code dlm_tool ls}'s block for one lockspace, from {@code name} on. */
	private static List<String> lockspaceBlock(List<String> lines, String lockspace) {
		List<String> block = new ArrayList<>();
		boolean inBlock = false;
		for (String line : lines) {
			if (line.startsWith("name ")) {
				inBlock = line.substring("name ".length()).strip().equals(lockspace);
			}
			if (inBlock) {
				block.add(line);
			}
		}
		return block;
	}

	private static @Nullable String value(List<String> block, String field) {
		for (String line : block) {
			if (line.startsWith(field + " ")) {
				return line.substring(field.length()).strip().replaceAll("\\s+", " ");
			}
		}
		return null;
	}

	@Override
	public String toString() {
		return "KernelLockspaceStateSource[" + this.sysfsRoot + ", " + String.join(" ", this.controldCommand) + "]";
	}

}
