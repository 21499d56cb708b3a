package io.github.dlm.cluster.node;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import io.github.dlm.core.DlmClient;
import io.github.dlm.core.DlmLockspace;
import io.github.dlm.core.DlmMode;
import io.github.dlm.core.LockspaceOptions;
import io.github.dlm.jna.NativeDlmClient;
import io.github.dlm.lock.DlmLock;
import io.github.dlm.lock.DlmLockRegistry;

/**
 * A node-side agent that drives the Spring lock registry ({@link DlmLockRegistry} over the
 * native backend) on command from the host, so one test can orchestrate locks on several
 * nodes step by step.
 * <p>
 * {@code agent RUNDIR NAME LOCKSPACE}: writes its process id to {@code RUNDIR/NAME.pid}, then
 * executes the commands the host writes as {@code RUNDIR/NAME.cmd.<n>} ({@code n} = 1, 2, ...)
 * in order. A command is {@code WORKER OP ARGS...}: it runs on the worker's own thread (a
 * {@link DlmLock} belongs to the thread that locked it, and a blocking {@code lock} must not
 * hold up other workers), and its outcome is written to {@code RUNDIR/NAME.done.<n>} when it
 * finishes: {@code OK <result>} or {@code ERROR <exception>}. Operations:
 * <ul>
 * <li>{@code obtain ID KEY MODE}: {@code registry.obtain(KEY, MODE)}, remembered as ID</li>
 * <li>{@code lock ID}, {@code unlock ID}, {@code trylock ID} (prints the boolean)</li>
 * <li>{@code convert ID MODE}, {@code tryconvert ID MODE} (prints the boolean)</li>
 * <li>{@code held ID}: the held mode, or {@code null}</li>
 * <li>{@code exit} (any worker): closes the lockspace handle and ends the program</li>
 * </ul>
 * Every blocking callback the registry delivers creates {@code RUNDIR/NAME.blocking-<KEY>}.
 */
public final class LockAgentNode {

	private final Path runDir;

	private final String name;

	private final DlmLockRegistry registry;

	private final Map<String, DlmLock> locks = new ConcurrentHashMap<>();

	private final Map<String, ExecutorService> workers = new ConcurrentHashMap<>();

	private LockAgentNode(Path runDir, String name, DlmLockRegistry registry) {
		this.runDir = runDir;
		this.name = name;
		this.registry = registry;
		registry.setBlockingListener((lock, key, holder) -> mark("blocking-" + key, "holder " + holder.getName()));
	}

	/**
	 * Entry point.
	 * @param args {@code agent RUNDIR NAME LOCKSPACE}
	 * @throws Exception on any failure, which ends the program with a stack trace
	 */
	public static void main(String[] args) throws Exception {
		if (args.length != 4 || !args[0].equals("agent")) {
			System.err.println("usage: LockAgentNode agent RUNDIR NAME LOCKSPACE");
			System.exit(2);
		}
		try (DlmClient client = new NativeDlmClient();
				DlmLockspace lockspace = client.openLockspace(args[3], LockspaceOptions.DEFAULTS)) {
			LockAgentNode agent = new LockAgentNode(Path.of(args[1]), args[2], new DlmLockRegistry(lockspace));
			agent.mark("pid", String.valueOf(ProcessHandle.current().pid()));
			agent.serve();
		}
		System.out.println("AGENT EXIT");
		System.exit(0);
	}

	private void serve() throws Exception {
		for (int n = 1;; n++) {
			Path command = this.runDir.resolve(this.name + ".cmd." + n);
			while (!Files.exists(command)) {
				TimeUnit.MILLISECONDS.sleep(20);
			}
			String[] words = Files.readString(command, StandardCharsets.UTF_8).trim().split(" +");
			String done = "done." + n;
			if (words.length > 1 && words[1].equals("exit")) {
				this.workers.values().forEach(ExecutorService::shutdownNow);
				mark(done, "OK exit");
				return;
			}
			this.workers.computeIfAbsent(words[0], (worker) -> Executors.newSingleThreadExecutor((task) -> {
				Thread thread = new Thread(task, worker);
				thread.setDaemon(true);
				return thread;
			})).execute(() -> {
				String outcome;
				try {
					outcome = "OK " + execute(words);
				}
				catch (Throwable ex) {
					outcome = "ERROR " + ex;
				}
				mark(done, outcome);
			});
		}
	}

	private Object execute(String[] words) {
		String op = words[1];
		if (op.equals("obtain")) {
			this.locks.put(words[2], this.registry.obtain(words[3], DlmMode.valueOf(words[4])));
			return "obtained";
		}
		DlmLock lock = this.locks.get(words[2]);
		if (lock == null) {
			throw new IllegalArgumentException("no lock obtained as " + words[2]);
		}
		switch (op) {
			case "lock":
				lock.lock();
				return "locked";
			case "trylock":
				return lock.tryLock();
			case "unlock":
				lock.unlock();
				return "unlocked";
			case "convert":
				lock.convert(DlmMode.valueOf(words[3]));
				return "converted";
			case "tryconvert":
				return lock.tryConvert(DlmMode.valueOf(words[3]));
			case "held":
				return String.valueOf(lock.getHeldMode());
			default:
				throw new IllegalArgumentException("unknown operation " + op);
		}
	}

	private void mark(String suffix, String content) {
		Path target = this.runDir.resolve(this.name + "." + suffix);
		Path temporary = this.runDir.resolve("." + this.name + "." + suffix + "." + Thread.currentThread().getId());
		try {
			Files.writeString(temporary, content + "\n", StandardCharsets.UTF_8);
			Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
		}
		catch (IOException ex) {
			throw new IllegalStateException("Could not write " + target, ex);
		}
	}

}
