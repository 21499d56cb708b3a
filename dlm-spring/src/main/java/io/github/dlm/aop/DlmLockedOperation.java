package io.github.dlm.aop;

import java.lang.reflect.Method;
import java.time.Duration;

import org.jspecify.annotations.Nullable;
import org.springframework.context.expression.AnnotatedElementKey;

import io.github.dlm.aop.DlmLocked.IfNotAcquired;
import io.github.dlm.core.DlmMode;

/**
 * A parsed {@link DlmLocked @DlmLocked} of one method on one target class.
 *
 * @param method the most specific method, whose parameters name the SpEL variables
 * @param elementKey the cache key of its expressions
 * @param keyExpression the SpEL key expression, or {@code null} to use {@code defaultKey}
 * @param defaultKey the key used when there is no expression
 * @param mode the lock mode
 * @param waitTime {@code null} to wait without limit, zero for no wait, else the longest wait
 * @param waitTimeText the wait time as written, for messages
 * @param ifNotAcquired what to do when not acquired
 * @param lockspace the lockspace, or {@code null} for the default one
 * @param returnType how long the lock is held, by what the method returns
 * @param minInterval the least time between the starts of two runs, or {@code null} for none
 */
record DlmLockedOperation(Method method, AnnotatedElementKey elementKey, @Nullable String keyExpression,
		String defaultKey, DlmMode mode, @Nullable Duration waitTime, String waitTimeText, IfNotAcquired ifNotAcquired,
		@Nullable String lockspace, DlmLockedReturnType returnType, @Nullable Duration minInterval) {

	String methodDescription() {
		return this.method.getDeclaringClass().getName() + "." + this.method.getName() + "()";
	}

}
