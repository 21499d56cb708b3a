package io.github.dlm.autoconfigure;

import java.util.concurrent.locks.Lock;

import org.jspecify.annotations.Nullable;

import io.github.dlm.lock.DlmLock;
import io.github.dlm.lock.DlmLockRegistry;

import org.springframework.beans.factory.NoSuchBeanDefinitionException;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.core.Ordered;
import org.springframework.core.ResolvableType;
import org.springframework.integration.support.locks.LockRegistry;

/**
 * Explains a failed injection of a {@code LockRegistry<Lock>} (or of another lock type that
 * {@link DlmLock} extends) where the starter's registry is a {@code LockRegistry<DlmLock>}:
 * generics are invariant, so Spring finds no match and Boot's own report says only that no
 * bean of that type exists. Ordered ahead of Boot's analyzer of the same exception.
 */
final class LockRegistryTypeFailureAnalyzer extends AbstractFailureAnalyzer<NoSuchBeanDefinitionException>
		implements Ordered {

	@Override
	protected @Nullable FailureAnalysis analyze(Throwable rootFailure, NoSuchBeanDefinitionException cause) {
		ResolvableType required = cause.getResolvableType();
		if (required == null || !required.toClass().isAssignableFrom(DlmLockRegistry.class)) {
			return null;
		}
		Class<?> lockType = required.as(LockRegistry.class).getGeneric(0).resolve();
		if (lockType == null || lockType == DlmLock.class || !lockType.isAssignableFrom(DlmLock.class)) {
			return null;
		}
		return new FailureAnalysis("A bean of type " + required + " is required, but the DLM starter's registry is a "
				+ ResolvableType.forClassWithGenerics(LockRegistry.class, DlmLock.class) + " (DlmLockRegistry), and "
				+ "Java generics do not let a registry of " + DlmLock.class.getSimpleName() + " stand for a registry of "
				+ lockType.getSimpleName() + ".",
				"Inject LockRegistry<?>, LockRegistry<? extends " + Lock.class.getSimpleName()
						+ ">, LockRegistry<DlmLock> or DlmLockRegistry instead.",
				cause);
	}

	@Override
	public int getOrder() {
		return Ordered.HIGHEST_PRECEDENCE;
	}

}
