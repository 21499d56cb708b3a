package io.github.dlm.aop;

import org.jspecify.annotations.Nullable;

import org.springframework.aot.hint.MemberCategory;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;

/**
 * What {@link DlmLocked @DlmLocked} reads by reflection at run time, for a GraalVM native
 * image: the properties of the key expressions' {@code #root} object, which SpEL reaches
 * through their getters. Registered in {@code META-INF/spring/aot.factories}.
 */
class DlmLockedRuntimeHints implements RuntimeHintsRegistrar {

	@Override
	public void registerHints(RuntimeHints hints, @Nullable ClassLoader classLoader) {
		hints.reflection().registerType(DlmLockedExpressionRoot.class, MemberCategory.INVOKE_PUBLIC_METHODS);
	}

}
