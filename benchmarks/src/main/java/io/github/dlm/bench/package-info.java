/**
 * JMH benchmarks of the DLM lock registry (local engine and native libdlm backend) side by
 * side with the lock services Spring users pick instead, plus the cross-node handoff driver.
 */
@NullMarked
package io.github.dlm.bench;

import org.jspecify.annotations.NullMarked;
