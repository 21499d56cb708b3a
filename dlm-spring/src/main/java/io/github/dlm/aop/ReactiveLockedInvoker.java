package io.github.dlm.aop;

import java.util.concurrent.CompletableFuture;

import org.aopalliance.intercept.MethodInvocation;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.reactivestreams.Publisher;
import org.springframework.core.ReactiveAdapter;
import org.springframework.core.ReactiveAdapterRegistry;

import io.github.dlm.aop.DlmLocked.IfNotAcquired;
import io.github.dlm.lock.DlmHold;
import io.github.dlm.lock.DlmLock;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.SignalType;
import reactor.core.scheduler.Schedulers;

/**
 * Runs {@link DlmLocked @DlmLocked} methods that return a reactive type ({@code Mono},
 * {@code Flux} or any type Spring's {@link ReactiveAdapterRegistry} adapts), holding their
 * lock from subscription until the result terminates or is cancelled, the way Spring's
 * reactive transactions do. Loaded only when Reactor is on the class path.
 */
final class ReactiveLockedInvoker {

	private static final Log logger = LogFactory.getLog(ReactiveLockedInvoker.class);

	private ReactiveLockedInvoker() {
	}

	/**
	 * Runs a method returning a reactive type: the lock is requested when the result is
	 * subscribed to, the method runs once it is granted, and the lock is released when the
	 * method's publisher completes or fails (before the subscriber is told) or is cancelled.
	 * Release is tied to the request itself, not to a hold travelling through the pipeline,
	 * so a cancellation racing with the grant cannot drop the hold on the floor.
	 */
	static Object invokeReactive(MethodInvocation invocation, DlmLock lock, DlmLockedOperation operation,
			AsyncLockedInvoker.NotAcquired notAcquired) {
		ReactiveAdapter adapter = ReactiveAdapterRegistry.getSharedInstance()
			.getAdapter(operation.method().getReturnType());
		if (adapter.isMultiValue()) {
			return adapter.fromPublisher(Flux.defer(() -> {
				CompletableFuture<?> request = AsyncLockedInvoker.request(lock, operation);
				Mono<Void> release = Mono.defer(() -> release(request));
				return granted(request, operation, notAcquired)
					.flatMapMany((hold) -> proceed(invocation, hold, adapter))
					.concatWith(release.then(Mono.empty()))
					.onErrorResume((failure) -> release.then(Mono.error(failure)))
					.doFinally((signal) -> releaseOnCancel(signal, release));
			}));
		}
		return adapter.fromPublisher(Mono.defer(() -> {
			CompletableFuture<?> request = AsyncLockedInvoker.request(lock, operation);
			Mono<Void> release = Mono.defer(() -> release(request));
			return granted(request, operation, notAcquired)
				.flatMap((hold) -> Mono.from(proceed(invocation, hold, adapter)))
				.flatMap((value) -> release.thenReturn(value))
				.switchIfEmpty(release.then(Mono.empty()))
				.onErrorResume((failure) -> release.then(Mono.error(failure)))
				.doFinally((signal) -> releaseOnCancel(signal, release));
		}));
	}

	private static Mono<DlmHold> granted(CompletableFuture<?> request, DlmLockedOperation operation,
			AsyncLockedInvoker.NotAcquired notAcquired) {
		// cancellation is ours to send (releaseOnCancel), so that it happens exactly once
		Mono<DlmHold> granted = Mono.fromFuture(request, true).mapNotNull(AsyncLockedInvoker::hold);
		if (!request.isDone()) {
			// granted later on the DLM dispatcher thread: run the method elsewhere
			granted = granted.publishOn(Schedulers.boundedElastic());
		}
		return granted.switchIfEmpty(Mono.defer(() -> {
			if (operation.ifNotAcquired() == IfNotAcquired.SKIP) {
				return Mono.empty();
			}
			return Mono.error(notAcquired.exception(null, DlmLockedInterceptor.notGranted(operation)));
		}));
	}

	/**
	 * Ends the lock's part in one subscription: cancels the request if it still waits (a
	 * grant that wins that race is released by the lock) and releases the hold it gave.
	 * Idempotent.
	 */
	private static Mono<Void> release(CompletableFuture<?> request) {
		CompletableFuture<Void> released = AsyncLockedInvoker.withdraw(request);
		return (released != null) ? Mono.fromFuture(released, true) : Mono.empty();
	}

	private static void releaseOnCancel(SignalType signal, Mono<Void> release) {
		if (signal == SignalType.CANCEL) {
			release.subscribe(null, (failure) -> logger.warn("Failed to release a @DlmLocked lock after its "
					+ "subscription was cancelled", failure));
		}
	}

	private static Publisher<Object> proceed(MethodInvocation invocation, DlmHold hold, ReactiveAdapter adapter) {
		Object result;
		try {
			result = AsyncLockedInvoker.proceed(invocation, hold);
		}
		catch (Throwable ex) {
			return Flux.error(ex);
		}
		if (result == null) {
			return Flux.empty();
		}
		@SuppressWarnings("unchecked")
		Publisher<Object> publisher = (Publisher<Object>) adapter.toPublisher(result);
		return publisher;
	}

}
