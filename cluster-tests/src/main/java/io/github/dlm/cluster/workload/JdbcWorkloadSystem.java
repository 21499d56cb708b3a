package io.github.dlm.cluster.workload;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.jspecify.annotations.Nullable;
import org.springframework.integration.jdbc.lock.DefaultLockRepository;
import org.springframework.integration.jdbc.lock.JdbcLockRegistry;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;

/**
 * The workload's lock as Spring Integration's {@link JdbcLockRegistry} over a
 * {@link DefaultLockRepository} in PostgreSQL (HikariCP pool, the driver's and the pool's
 * default timeouts), with the registry's defaults except, optionally, its time to live.
 * <p>
 * A lock is a row of {@code INT_LOCK} whose {@code EXPIRED_AFTER} the holder sets to its own
 * wall clock (UTC) plus the time to live; another client takes the row over once that time is
 * behind <em>its</em> wall clock. So the lease is judged by the clients' clocks, not the
 * database's: a client whose clock runs ahead takes locks over early. Nothing renews the row;
 * the holder's {@code unlock()} finds it gone or taken over and throws.
 */
final class JdbcWorkloadSystem extends LeaseWorkloadSystem {

	/** The lock region shared by every client, so that they contend for the same locks. */
	static final String REGION = "dlm-workload";

	/**
	 * The {@code INT_LOCK} table of spring-integration-jdbc's {@code schema-postgresql.sql},
	 * created if missing ({@code cluster/peer-servers.sh} creates it before any client runs,
	 * so that clients starting together do not race to create it).
	 */
	static final String CREATE_TABLE = "CREATE TABLE IF NOT EXISTS INT_LOCK (LOCK_KEY CHAR(36) NOT NULL, "
			+ "REGION VARCHAR(100) NOT NULL, CLIENT_ID CHAR(36), CREATED_DATE TIMESTAMP NOT NULL, "
			+ "EXPIRED_AFTER TIMESTAMP NOT NULL, CONSTRAINT INT_LOCK_PK PRIMARY KEY (LOCK_KEY, REGION))";

	private JdbcWorkloadSystem(String name, Duration lease, JdbcLockRegistry registry, Deque<AutoCloseable> resources) {
		super(name, lease, registry, resources);
	}

	/**
	 * Connects to PostgreSQL, creates the lock table if missing and opens a registry.
	 * @param name the system's name
	 * @param servers where PostgreSQL listens
	 * @param timeToLive the registry's time to live, or {@code null} for its default (10 s)
	 * @return the system
	 * @throws IllegalStateException naming the database when it cannot be reached
	 */
	static JdbcWorkloadSystem open(String name, PeerServers servers, @Nullable Duration timeToLive) {
		Deque<AutoCloseable> resources = new ArrayDeque<>();
		try {
			HikariConfig config = new HikariConfig();
			config.setJdbcUrl(servers.jdbcUrl());
			config.setUsername("postgres");
			config.setMaximumPoolSize(4);
			config.setPoolName(name);
			HikariDataSource dataSource = new HikariDataSource(config);
			resources.push(dataSource);
			new JdbcTemplate(dataSource).execute(CREATE_TABLE);
			DefaultLockRepository repository = new DefaultLockRepository(dataSource);
			repository.setRegion(REGION);
			repository.setTransactionManager(new DataSourceTransactionManager(dataSource));
			repository.afterPropertiesSet();
			repository.afterSingletonsInstantiated();
			repository.start();
			resources.push(repository::close);
			JdbcLockRegistry registry = (timeToLive != null) ? new JdbcLockRegistry(repository, timeToLive)
					: new JdbcLockRegistry(repository);
			return new JdbcWorkloadSystem(name, (timeToLive != null) ? timeToLive : JdbcLockRegistry.DEFAULT_TTL,
					registry, resources);
		}
		catch (RuntimeException ex) {
			closeAfterFailure(resources, ex);
			throw new IllegalStateException(
					"Cannot open " + name + " on PostgreSQL at " + servers.jdbcUrl() + ": " + ex.getMessage(), ex);
		}
	}

}
