package io.github.dlm.cluster.workload;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;
import org.springframework.util.FileSystemUtils;

/**
 * Redis and PostgreSQL started on the host's loopback by {@code cluster/guest/peer-servers-node.sh}
 * (the script that starts them in a node), on free ports, with data in a temporary directory,
 * and stopped by the same script (by the PIDs it recorded).
 */
final class PeerServersProcess implements AutoCloseable {

	private static final Path SCRIPT = Path.of("..", "cluster", "guest", "peer-servers-node.sh").toAbsolutePath()
		.normalize();

	private final Path directory;

	private final PeerServers servers;

	private PeerServersProcess(Path directory, PeerServers servers) {
		this.directory = directory;
		this.servers = servers;
	}

	/**
	 * Why the servers cannot be started on this machine, if they cannot.
	 * @return the reason, or {@code null} when redis-server and a PostgreSQL server are installed
	 */
	static @Nullable String missing() {
		boolean redis = List.of("/usr/bin/redis-server", "/usr/local/bin/redis-server")
			.stream()
			.anyMatch((path) -> Files.isExecutable(Path.of(path)));
		boolean postgres;
		try (var versions = Files.list(Path.of("/usr/lib/postgresql"))) {
			postgres = versions.anyMatch((version) -> Files.isExecutable(version.resolve("bin/postgres")));
		}
		catch (IOException ex) {
			postgres = false;
		}
		if (redis && postgres) {
			return null;
		}
		return "needs Debian's redis-server and postgresql installed (apt-get install redis-server postgresql)";
	}

	/**
	 * Starts both servers on 127.0.0.1.
	 * @return the running servers
	 * @throws Exception when the script fails (its output is in the message)
	 */
	static PeerServersProcess start() throws Exception {
		Path directory = Files.createTempDirectory("dlm-peer-servers");
		// PostgreSQL runs as the postgres user when the tests run as root: it must get in.
		Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwxr-xr-x"));
		PeerServers servers = new PeerServers("127.0.0.1", freePort(), freePort());
		PeerServersProcess process = new PeerServersProcess(directory, servers);
		process.run("start", "127.0.0.1");
		return process;
	}

	/**
	 * Where the servers listen.
	 * @return the loopback address and the ports
	 */
	PeerServers servers() {
		return this.servers;
	}

	@Override
	public void close() throws Exception {
		run("stop");
		FileSystemUtils.deleteRecursively(this.directory);
	}

	private void run(String... arguments) throws Exception {
		Path log = this.directory.resolve("script-" + arguments[0] + ".log");
		ProcessBuilder builder = new ProcessBuilder("bash", SCRIPT.toString());
		builder.command().addAll(List.of(arguments));
		builder.environment().put("DLM_PEER_SERVERS_DIR", this.directory.resolve("servers").toString());
		builder.environment().put("DLM_PEER_REDIS_PORT", String.valueOf(this.servers.redisPort()));
		builder.environment().put("DLM_PEER_POSTGRES_PORT", String.valueOf(this.servers.postgresPort()));
		Process process = builder.redirectErrorStream(true).redirectOutput(log.toFile()).start();
		// A bound for a script that hangs, not a measurement: initdb and start take seconds.
		if (!process.waitFor(5, TimeUnit.MINUTES)) {
			process.destroyForcibly();
		}
		if (process.exitValue() != 0) {
			throw new IllegalStateException(
					"peer-servers-node.sh " + String.join(" ", arguments) + " failed:\n" + Files.readString(log));
		}
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

}
