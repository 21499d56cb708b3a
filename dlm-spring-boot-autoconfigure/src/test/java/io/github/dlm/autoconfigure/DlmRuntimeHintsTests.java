package io.github.dlm.autoconfigure;

import org.junit.jupiter.api.Test;

import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;
import org.springframework.aot.hint.predicate.RuntimeHintsPredicates;
import org.springframework.core.io.support.SpringFactoriesLoader;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The hints the auto-configuration contributes for a GraalVM native image, loaded as
 * Spring's AOT processing loads them.
 */
class DlmRuntimeHintsTests {

	@Test
	void permissionsConvertersAreInvocable() throws NoSuchMethodException {
		RuntimeHints hints = new RuntimeHints();
		SpringFactoriesLoader.forResourceLocation("META-INF/spring/aot.factories")
			.load(RuntimeHintsRegistrar.class)
			.forEach((registrar) -> registrar.registerHints(hints, getClass().getClassLoader()));
		for (Class<?> parameter : new Class<?>[] { String.class, Integer.class }) {
			assertThat(RuntimeHintsPredicates.reflection()
				.onMethodInvocation(LockspacePermissions.class.getMethod("valueOf", parameter))).accepts(hints);
		}
	}

}
