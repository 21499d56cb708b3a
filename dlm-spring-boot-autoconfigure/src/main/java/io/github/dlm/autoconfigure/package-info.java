/**
 * Spring Boot auto-configuration for the DLM: {@link io.github.dlm.autoconfigure.DlmProperties}
 * (prefix {@code dlm}), the backend choice, the lock registries and the {@code @DlmLocked}
 * advisor.
 */
@NullMarked
package io.github.dlm.autoconfigure;

import org.jspecify.annotations.NullMarked;
