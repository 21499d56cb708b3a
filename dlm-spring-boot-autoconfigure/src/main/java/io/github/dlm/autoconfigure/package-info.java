/**
 * Spring Boot auto-configuration for the DLM: {@link io.github.dlm.autoconfigure.DlmProperties}
 * (prefix {@code dlm}), the backend choice (the native backend only with {@code dlm-jna} and
 * JNA on the class path), the lock registries, the {@code @DlmLocked} advisor, and the
 * failure analyzers that turn a DLM start-up failure into the {@code dlm.*} property to set.
 */
@NullMarked
package io.github.dlm.autoconfigure;

import org.jspecify.annotations.NullMarked;
