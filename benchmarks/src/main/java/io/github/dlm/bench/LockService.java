package io.github.dlm.bench;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.locks.Lock;
import java.util.logging.Level;
import java.util.logging.Logger;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.jspecify.annotations.Nullable;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.integration.jdbc.lock.DefaultLockRepository;
import org.springframework.integration.jdbc.lock.JdbcLockRegistry;
import org.springframework.integration.redis.util.RedisLockRegistry;
import org.springframework.integration.support.locks.DefaultLockRegistry;
import org.springframework.integration.support.locks.LockRegistry;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;

import io.github.dlm.caching.CachingDlmClient;
import io.github.dlm.core.DlmClient;
import io.github.dlm.core.DlmMode;
import io.github.dlm.core.LockspaceOptions;
import io.github.dlm.jna.NativeDlmClient;
import io.github.dlm.local.LocalDlmClient;
import io.github.dlm.lock.DlmLockRegistries;
import io.github.dlm.lock.DlmLockRegistry;

/**
 * One lock service opened for a benchmark trial: a Spring Integration {@link LockRegistry}
 * over the chosen {@link Backend}, and everything that has to be closed after it (clients,
 * connection pools, the embedded Hazelcast member), closed in reverse order.
 */
final class LockService implements AutoCloseable {

	/** Keeps Hazelcast's JUL logger configured while the member runs (JUL holds loggers weakly). */
	private static final Logger HAZELCAST_LOG = Logger.getLogger("com.hazelcast");

	private final Backend backend;

	private final LockRegistry<? extends Lock> registry;

	private final @Nullable DlmLockRegistry dlmRegistry;

	private final Deque<AutoCloseable> closeables;

	private LockService(Backend backend, LockRegistry<? extends Lock> registry, @Nullable DlmLockRegistry dlmRegistry,
			Deque<AutoCloseable> closeables) {
		this.backend = backend;
		this.registry = registry;
		this.dlmRegistry = dlmRegistry;
		this.closeables = closeables;
	}

	/**
	 * Opens the lock service of a backend.
	 * @param backend the backend; {@link Backend#RWLOCK} is not a registry and is refused
	 * @return the opened service
	 * @throws IllegalStateException naming the backend and what it needs when it cannot start
	 */
	static LockService open(Backend backend) {
		Deque<AutoCloseable> closeables = new ArrayDeque<>();
		try {
			return switch (backend) {
				case LOCAL -> dlm(backend, new LocalDlmClient(), closeables);
				case LOCAL_CACHED -> dlm(backend, new CachingDlmClient(new LocalDlmClient()), closeables);
				case NATIVE_CACHED -> dlm(backend, new CachingDlmClient(new NativeDlmClient()), closeables);
				case NATIVE -> dlm(backend, new NativeDlmClient(), closeables);
				case DEFAULT -> new LockService(backend, new DefaultLockRegistry(), null, closeables);
				case REDIS -> redis(closeables);
				case JDBC -> jdbc(closeables);
				case HAZELCAST -> hazelcast(closeables);
				case RWLOCK -> throw new IllegalArgumentException(
						"rwlock is the JDK ReentrantReadWriteLock, not a LockRegistry; only the shared benchmark takes it");
			};
		}
		catch (RuntimeException ex) {
			closeAll(closeables);
			throw new IllegalStateException("Cannot start backend " + backend + ": " + ex.getMessage() + hint(backend),
					ex);
		}
	}

	private static String hint(Backend backend) {
		return switch (backend) {
			case NATIVE, NATIVE_CACHED -> " (needs libdlm.so.3, a running kernel DLM and root: run inside a cluster VM node)";
			case REDIS -> " (needs redis-server on " + BenchSettings.REDIS_HOST + ":" + BenchSettings.REDIS_PORT
					+ ", see BENCH_REDIS_PORT; benchmarks/run.sh starts one)";
			case JDBC -> " (needs PostgreSQL at " + BenchSettings.JDBC_URL
					+ ", see BENCH_JDBC_URL; benchmarks/run.sh starts one)";
			default -> "";
		};
	}

	private static LockService dlm(Backend backend, DlmClient client, Deque<AutoCloseable> closeables) {
		closeables.push(client);
		DlmLockRegistries registries = new DlmLockRegistries(client, BenchSettings.LOCKSPACE,
				new LockspaceOptions(true, 0600, true), DlmMode.EX);
		closeables.push(registries);
		DlmLockRegistry registry = registries.registry();
		return new LockService(backend, registry, registry, closeables);
	}

	private static LockService redis(Deque<AutoCloseable> closeables) {
		LettuceConnectionFactory connections = new LettuceConnectionFactory(
				new RedisStandaloneConfiguration(BenchSettings.REDIS_HOST, BenchSettings.REDIS_PORT));
		connections.afterPropertiesSet();
		connections.start();
		closeables.push(connections::destroy);
		// Fail here, with the server's address, rather than inside the first lock().
		connections.getConnection().close();
		RedisLockRegistry registry = new RedisLockRegistry(connections, "dlm-bench");
		closeables.push(registry::destroy);
		return new LockService(Backend.REDIS, registry, null, closeables);
	}

	private static LockService jdbc(Deque<AutoCloseable> closeables) {
		HikariConfig config = new HikariConfig();
		config.setJdbcUrl(BenchSettings.JDBC_URL);
		config.setUsername(BenchSettings.JDBC_USER);
		config.setPassword(BenchSettings.JDBC_PASSWORD);
		config.setMaximumPoolSize(16);
		config.setPoolName("dlm-bench");
		HikariDataSource dataSource = new HikariDataSource(config);
		closeables.push(dataSource);
		// The INT_LOCK table of spring-integration-jdbc's schema-postgresql.sql.
		new JdbcTemplate(dataSource).execute("CREATE TABLE IF NOT EXISTS INT_LOCK (LOCK_KEY CHAR(36) NOT NULL, "
				+ "REGION VARCHAR(100) NOT NULL, CLIENT_ID CHAR(36), CREATED_DATE TIMESTAMP NOT NULL, "
				+ "EXPIRED_AFTER TIMESTAMP NOT NULL, CONSTRAINT INT_LOCK_PK PRIMARY KEY (LOCK_KEY, REGION))");
		DefaultLockRepository repository = new DefaultLockRepository(dataSource);
		repository.setRegion("dlm-bench");
		repository.setTransactionManager(new DataSourceTransactionManager(dataSource));
		repository.afterPropertiesSet();
		repository.afterSingletonsInstantiated();
		repository.start();
		closeables.push(repository::close);
		return new LockService(Backend.JDBC, new JdbcLockRegistry(repository), null, closeables);
	}

	private static LockService hazelcast(Deque<AutoCloseable> closeables) {
		HAZELCAST_LOG.setLevel(Level.WARNING);
		Config config = new Config();
		config.setClusterName("dlm-bench-" + ProcessHandle.current().pid());
		config.setProperty("hazelcast.phone.home.enabled", "false");
		config.setProperty("hazelcast.logging.type", "jdk");
		config.getNetworkConfig().setPortAutoIncrement(true);
		config.getNetworkConfig().getInterfaces().setEnabled(true).addInterface("127.0.0.1");
		JoinConfig join = config.getNetworkConfig().getJoin();
		join.getMulticastConfig().setEnabled(false);
		join.getTcpIpConfig().setEnabled(false);
		join.getAutoDetectionConfig().setEnabled(false);
		// No CP subsystem: FencedLock is Enterprise-only since Hazelcast 5.5 (see HazelcastLockRegistry).
		HazelcastInstance hazelcast = Hazelcast.newHazelcastInstance(config);
		closeables.push(hazelcast::shutdown);
		return new LockService(Backend.HAZELCAST, new HazelcastLockRegistry(hazelcast), null, closeables);
	}

	Backend backend() {
		return this.backend;
	}

	LockRegistry<? extends Lock> registry() {
		return this.registry;
	}

	/**
	 * The DLM registry, for DLM-only features (modes other than EX).
	 * @return the registry
	 * @throws IllegalStateException if this backend is not a DLM one
	 */
	DlmLockRegistry dlmRegistry() {
		if (this.dlmRegistry == null) {
			throw new IllegalStateException(this.backend + " has no DLM modes (exclusive locks only)");
		}
		return this.dlmRegistry;
	}

	@Override
	public void close() {
		closeAll(this.closeables);
	}

	private static void closeAll(Deque<AutoCloseable> closeables) {
		while (!closeables.isEmpty()) {
			try {
				closeables.pop().close();
			}
			catch (Exception ex) {
				System.err.println("dlm-bench: close failed: " + ex);
			}
		}
	}

}
