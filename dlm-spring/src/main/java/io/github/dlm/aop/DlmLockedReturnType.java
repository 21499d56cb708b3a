package io.github.dlm.aop;

import java.lang.reflect.Method;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Future;

import org.springframework.core.KotlinDetector;
import org.springframework.core.ReactiveAdapterRegistry;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.scheduling.annotation.Async;
import org.springframework.util.ClassUtils;

/**
 * How long a {@link DlmLocked @DlmLocked} method's lock is held, decided by what the method
 * returns: until it returns, or until the asynchronous result it returns completes. Return
 * types whose completion cannot be observed are refused when the proxy is created, since
 * the lock would be released while the work still runs.
 */
enum DlmLockedReturnType {

	/** Held until the method returns or throws. */
	SYNCHRONOUS,

	/** Held until the returned {@code CompletableFuture} / {@code CompletionStage} completes. */
	COMPLETION_STAGE,

	/** Held from subscription until the returned {@code Mono}, {@code Flux} (or other reactive type) terminates or is cancelled. */
	REACTIVE;

	private static final boolean REACTOR_PRESENT = ClassUtils.isPresent("reactor.core.publisher.Flux",
			DlmLockedReturnType.class.getClassLoader());

	private static final boolean REACTIVE_STREAMS_PRESENT = ClassUtils.isPresent("org.reactivestreams.Publisher",
			DlmLockedReturnType.class.getClassLoader());

	/**
	 * Classifies a method.
	 * @param method the annotated method
	 * @param where the annotation and method, for messages
	 * @return how long its lock is held
	 * @throws IllegalStateException if its return type cannot be honoured
	 */
	static DlmLockedReturnType of(Method method, String where) {
		Class<?> type = method.getReturnType();
		if (KotlinDetector.isSuspendingFunction(method)) {
			throw new IllegalStateException(where + " is a Kotlin suspend function, which @DlmLocked does not "
					+ "support yet: the lock would be released at the first suspension. Return a Mono or a "
					+ "CompletableFuture, or use DlmLock.lockAsync() inside the function");
		}
		if (type == CompletableFuture.class || type == CompletionStage.class) {
			return COMPLETION_STAGE;
		}
		if (CompletionStage.class.isAssignableFrom(type)) {
			throw new IllegalStateException(where + " returns " + type.getName() + ": @DlmLocked holds the lock until "
					+ "an asynchronous result completes and hands back a CompletableFuture, which is not a "
					+ type.getSimpleName() + ". Declare the return type as CompletableFuture or CompletionStage");
		}
		if (REACTOR_PRESENT && ReactiveAdapterRegistry.getSharedInstance().getAdapter(type) != null) {
			return REACTIVE;
		}
		boolean asyncAnnotated = AnnotatedElementUtils.hasAnnotation(method, Async.class)
				|| AnnotatedElementUtils.hasAnnotation(method.getDeclaringClass(), Async.class);
		if (Future.class.isAssignableFrom(type) && !asyncAnnotated) {
			throw new IllegalStateException(where + " returns " + type.getName() + ", whose completion cannot be "
					+ "observed: the lock would be released when the method returns, while the work still runs. "
					+ "Return a CompletableFuture, a CompletionStage or a Reactor Mono/Flux");
		}
		if (REACTIVE_STREAMS_PRESENT && isPublisher(type)) {
			throw new IllegalStateException(where + " returns the reactive type " + type.getName() + ", which "
					+ "@DlmLocked can hold a lock across only with Reactor (io.projectreactor:reactor-core) on the "
					+ "class path");
		}
		return SYNCHRONOUS;
	}

	private static boolean isPublisher(Class<?> type) {
		return org.reactivestreams.Publisher.class.isAssignableFrom(type);
	}

}
