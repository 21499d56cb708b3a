/**
 * Micrometer Observation support of the lock layer: the documented observations
 * ({@link io.github.dlm.lock.observation.DlmLockObservation}), their contexts and their
 * conventions, which a {@link io.github.dlm.lock.DlmLockRegistry} given an
 * {@link io.micrometer.observation.ObservationRegistry} applies to each acquisition and
 * each hold.
 */
@NullMarked
package io.github.dlm.lock.observation;

import org.jspecify.annotations.NullMarked;
