package io.github.dlm.cluster;

import java.nio.file.Path;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives tests a {@link VmCluster} parameter (in {@code @BeforeAll}, {@code @Test} and the
 * like). One cluster serves the whole test run and is stopped when the run ends; a cluster
 * that lost a node to {@link VmCluster#kill} is replaced by a fresh one for the next test
 * class that asks.
 * <p>
 * System properties: {@code dlm.cluster.scripts} (the project's {@code cluster/} directory),
 * {@code dlm.cluster.work} (state, logs and share; default {@code target/cluster}),
 * {@code dlm.cluster.nodes} (default 3), {@code dlm.cluster.attach} (the state directory of a
 * cluster already booted by hand with {@code up.sh}: used instead of booting one, and left
 * running unless a test kills a node). The cluster scripts need root, qemu and mmdebstrap
 * ({@code cluster/install-deps.sh}); when a cluster cannot be booted the tests fail with the
 * boot log rather than being skipped.
 */
public final class ClusterExtension implements ParameterResolver {

	private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace
		.create(ClusterExtension.class);

	@Override
	public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
		return parameterContext.getParameter().getType() == VmCluster.class;
	}

	@Override
	public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
		ExtensionContext.Store store = extensionContext.getRoot().getStore(NAMESPACE);
		synchronized (ClusterExtension.class) {
			VmCluster cluster = store.get(VmCluster.class, VmCluster.class);
			Class<?> testClass = extensionContext.getRequiredTestClass();
			// A class that killed nodes goes on with what is left; the next class gets a whole cluster.
			if (cluster != null && (cluster.isWhole() || testClass.equals(store.get(Class.class, Class.class)))) {
				store.put(Class.class, testClass);
				return cluster;
			}
			if (cluster != null) {
				store.remove(VmCluster.class);
				cluster.close();
			}
			String attach = System.getProperty("dlm.cluster.attach");
			VmCluster fresh = (attach != null && !attach.isBlank() && cluster == null)
					? VmCluster.attach(scripts(), work(), Path.of(attach))
					: VmCluster.start(scripts(), work(), Integer.getInteger("dlm.cluster.nodes", 3));
			// AutoCloseable values in the root store are closed when the test run ends.
			store.put(VmCluster.class, fresh);
			store.put(Class.class, testClass);
			return fresh;
		}
	}

	private static Path scripts() {
		String configured = System.getProperty("dlm.cluster.scripts");
		return (configured != null) ? Path.of(configured) : Path.of("..", "cluster");
	}

	private static Path work() {
		String configured = System.getProperty("dlm.cluster.work");
		return (configured != null) ? Path.of(configured) : Path.of("target", "cluster");
	}

}
