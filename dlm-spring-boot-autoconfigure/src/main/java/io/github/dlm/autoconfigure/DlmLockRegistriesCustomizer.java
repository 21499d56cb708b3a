package io.github.dlm.autoconfigure;

import io.github.dlm.lock.DlmLockRegistries;

/**
 * Customizes the auto-configured {@link DlmLockRegistries} before any lockspace is opened:
 * beans of this type are applied in their {@linkplain org.springframework.core.Ordered
 * order} right after the {@code dlm.*} properties.
 */
@FunctionalInterface
public interface DlmLockRegistriesCustomizer {

	/**
	 * Customizes the registries.
	 * @param registries the registries
	 */
	void customize(DlmLockRegistries registries);

}
