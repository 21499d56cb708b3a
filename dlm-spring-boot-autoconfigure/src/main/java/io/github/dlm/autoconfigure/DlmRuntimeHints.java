package io.github.dlm.autoconfigure;

import org.jspecify.annotations.Nullable;

import org.springframework.aot.hint.MemberCategory;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;

/**
 * What the auto-configuration reads by reflection at run time, for a GraalVM native image:
 * the binder converts {@code dlm.lockspace.permissions} through
 * {@link LockspacePermissions}' static {@code valueOf} methods. The
 * {@code @ConfigurationProperties} classes themselves are covered by Spring Boot's own AOT
 * processing. Registered in {@code META-INF/spring/aot.factories}.
 */
class DlmRuntimeHints implements RuntimeHintsRegistrar {

	@Override
	public void registerHints(RuntimeHints hints, @Nullable ClassLoader classLoader) {
		hints.reflection().registerType(LockspacePermissions.class, MemberCategory.INVOKE_PUBLIC_METHODS);
	}

}
