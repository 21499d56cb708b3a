package io.github.dlm.bench;

/**
 * Where the external servers are, from environment variables (JMH's forked JVMs inherit the
 * environment of the launcher, which {@code benchmarks/run.sh} sets).
 */
final class BenchSettings {

	static final String LOCKSPACE = env("BENCH_DLM_LOCKSPACE", "dlmbench");

	static final String REDIS_HOST = env("BENCH_REDIS_HOST", "127.0.0.1");

	static final int REDIS_PORT = Integer.parseInt(env("BENCH_REDIS_PORT", "6379"));

	static final String JDBC_URL = env("BENCH_JDBC_URL", "jdbc:postgresql://127.0.0.1:5432/postgres");

	static final String JDBC_USER = env("BENCH_JDBC_USER", "postgres");

	static final String JDBC_PASSWORD = env("BENCH_JDBC_PASSWORD", "");

	private BenchSettings() {
	}

	private static String env(String name, String fallback) {
		String value = System.getenv(name);
		return (value == null || value.isBlank()) ? fallback : value;
	}

}
