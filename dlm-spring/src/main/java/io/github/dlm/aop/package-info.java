/**
 * {@link io.github.dlm.aop.DlmLocked @DlmLocked}: declarative DLM locking of Spring bean
 * methods, applied by {@link io.github.dlm.aop.DlmLockedAdvisor} through Spring AOP proxies
 * (no AspectJ weaver needed).
 */
@NullMarked
package io.github.dlm.aop;

import org.jspecify.annotations.NullMarked;
