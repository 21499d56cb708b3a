/**
 * The {@code dlm} actuator endpoint: the backend, the open lockspaces and the locks this
 * process holds.
 */
@NullMarked
package io.github.dlm.endpoint;

import org.jspecify.annotations.NullMarked;
