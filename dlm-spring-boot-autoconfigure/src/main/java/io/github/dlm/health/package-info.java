/**
 * {@link io.github.dlm.health.DlmHealthIndicator}: the DLM's health for Spring Boot's
 * health endpoint, by a round trip to the lock manager in every open lockspace.
 */
@NullMarked
package io.github.dlm.health;

import org.jspecify.annotations.NullMarked;
