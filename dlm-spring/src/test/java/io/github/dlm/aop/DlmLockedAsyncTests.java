package io.github.dlm.aop;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import io.github.dlm.aop.DlmLocked.IfNotAcquired;
import io.github.dlm.aop.Elsewhere.ThrowingRunnable;
import io.github.dlm.local.LocalDlmClient;
import io.github.dlm.lock.DlmLock;
import io.github.dlm.lock.DlmLockRegistries;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.awaitility.Awaitility.await;

/**
 * {@link DlmLocked @DlmLocked} on methods returning a {@code CompletableFuture}, a
 * {@code Mono} or a {@code Flux}: the lock is held until the asynchronous result
 * completes, not only until the method returns.
 */
class DlmLockedAsyncTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	private AnnotationConfigApplicationContext context;

	private AsyncWork work;

	private Counters counters;

	private LocalDlmClient client;

	private DlmLockRegistries registries;

	private ExecutorService callers;

	@BeforeEach
	void setUp() {
		this.context = DlmLockedTests.context(AsyncConfiguration.class);
		this.work = this.context.getBean(AsyncWork.class);
		this.counters = this.context.getBean(Counters.class);
		this.client = this.context.getBean(LocalDlmClient.class);
		this.registries = this.context.getBean(DlmLockRegistries.class);
		this.callers = Executors.newFixedThreadPool(4);
	}

	@AfterEach
	void tearDown() {
		this.callers.shutdownNow();
		this.context.close();
		this.counters.executor.shutdownNow();
	}

	@Test
	void aCompletableFutureMethodHoldsItsLockUntilTheFutureCompletes() throws Exception {
		runConcurrently(() -> this.work.future().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS));
		assertThat(this.counters.maxInside.get()).as("bodies running at once").isEqualTo(1);
		assertThat(this.counters.bodies.get()).isEqualTo(4 * 10);
		awaitNoLocks();
	}

	@Test
	void aMonoMethodHoldsItsLockFromSubscriptionUntilItCompletes() throws Exception {
		runConcurrently(() -> this.work.mono().block(TIMEOUT));
		assertThat(this.counters.maxInside.get()).as("bodies running at once").isEqualTo(1);
		assertThat(this.counters.bodies.get()).isEqualTo(4 * 10);
		awaitNoLocks();
	}

	@Test
	void aFluxMethodHoldsItsLockUntilItsLastElement() throws Exception {
		runConcurrently(() -> assertThat(this.work.flux().collectList().block(TIMEOUT)).containsExactly(1, 2, 3));
		assertThat(this.counters.maxInside.get()).as("bodies running at once").isEqualTo(1);
		awaitNoLocks();
	}

	@Test
	void nothingRunsBeforeSubscriptionAndAMonoNeverSubscribedTakesNoLock() {
		Mono<String> notSubscribed = this.work.mono();
		assertThat(notSubscribed).isNotNull();
		assertThat(this.counters.bodies.get()).isZero();
		assertThat(this.client.dump("app")).isEmpty();
	}

	@Test
	void skipGivesAnEmptyResultOfTheMethodsTypeAndThrowGivesAFailedOne() throws Exception {
		DlmLock lock = this.registries.registry().obtain("work");
		lock.lock();
		try {
			assertThat(this.work.skipFuture().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isNull();
			assertThat(this.work.skipMono().blockOptional(TIMEOUT)).isEmpty();
			assertThat(this.work.skipFlux().collectList().block(TIMEOUT)).isEmpty();
			CompletableFuture<String> refused = CompletableFuture.supplyAsync(this.work::noWaitFuture, this.callers)
				.thenCompose((future) -> future);
			assertThat(refused).failsWithin(TIMEOUT).withThrowableOfType(Exception.class)
				.havingRootCause()
				.isInstanceOf(DlmLockNotAcquiredException.class);
			assertThatExceptionOfType(DlmLockNotAcquiredException.class)
				.isThrownBy(() -> this.work.noWaitMono().block(TIMEOUT));
			assertThat(this.counters.bodies.get()).isZero();
		}
		finally {
			lock.unlock();
		}
	}

	@Test
	void cancellingASubscriptionThatWaitsForTheLockCancelsItsRequest() throws Exception {
		DlmLock lock = this.registries.registry().obtain("work");
		lock.lock();
		Disposable subscription;
		try {
			subscription = this.work.mono().subscribe();
			await().atMost(TIMEOUT).until(() -> queued() == 1);
			subscription.dispose();
			await().atMost(TIMEOUT).until(() -> queued() == 0);
		}
		finally {
			lock.unlock();
		}
		assertThat(this.counters.bodies.get()).isZero();
		awaitNoLocks();
	}

	@Test
	void anInterruptWhileAFutureMethodWaitsWithdrawsItsRequestAndFailsTheFuture() throws Exception {
		DlmLock lock = this.registries.registry().obtain("work");
		lock.lock();
		try {
			AtomicReference<Thread> caller = new AtomicReference<>();
			Future<CompletableFuture<String>> call = this.callers.submit(() -> {
				caller.set(Thread.currentThread());
				return this.work.future();
			});
			await().atMost(TIMEOUT).until(() -> queued() == 1);
			caller.get().interrupt();
			assertThat(call.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).failsWithin(TIMEOUT)
				.withThrowableOfType(ExecutionException.class)
				.havingCause()
				.isInstanceOf(DlmLockNotAcquiredException.class)
				.withMessageContaining("interrupted while waiting");
			await().atMost(TIMEOUT).until(() -> queued() == 0);
		}
		finally {
			lock.unlock();
		}
		assertThat(this.counters.bodies.get()).isZero();
		awaitNoLocks();
	}

	@Test
	void cancellationsRacingWithGrantsNeverLeakTheLock() throws Exception {
		List<Disposable> subscriptions = new ArrayList<>();
		for (int i = 0; i < 200; i++) {
			subscriptions.add(this.work.mono().subscribe());
			if (i % 3 == 0) {
				subscriptions.get(i / 2).dispose();
			}
		}
		subscriptions.forEach(Disposable::dispose);
		// a cancelled subscription releases at once, even if its blocking body still runs,
		// so only the absence of leaks is checked here
		awaitNoLocks();
	}

	@Test
	void theMethodItselfMayReenterItsLock() throws Exception {
		assertThat(this.work.reentering().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isEqualTo("inner held twice");
		awaitNoLocks();
	}

	@Test
	void aThreadHoldingTheKeyCannotWaitForAnAsynchronousMethodOfTheSameKey() {
		DlmLock lock = this.registries.registry().obtain("work");
		lock.lock();
		try {
			assertThatIllegalStateException().isThrownBy(this.work::future).withMessageContaining("holds");
		}
		finally {
			lock.unlock();
		}
	}

	@Test
	void returnTypesWhoseCompletionCannotBeObservedAreRefusedAtStartUp() {
		assertThatExceptionOfType(Exception.class)
			.isThrownBy(() -> DlmLockedTests.context(PlainFutureConfiguration.class))
			.havingRootCause()
			.isInstanceOf(IllegalStateException.class)
			.withMessageContaining("PlainFuture.start()")
			.withMessageContaining("completion cannot be observed");
	}

	private void runConcurrently(ThrowingRunnable task) throws Exception {
		List<Future<?>> calls = new ArrayList<>();
		for (int caller = 0; caller < 4; caller++) {
			calls.add(this.callers.submit(() -> {
				for (int i = 0; i < 10; i++) {
					task.run();
				}
				return null;
			}));
		}
		for (Future<?> call : calls) {
			call.get(TIMEOUT.toSeconds() * 4, TimeUnit.SECONDS);
		}
	}

	private long queued() {
		return this.client.dump("app").stream().filter((info) -> info.requestedMode() != null).count();
	}

	private void awaitNoLocks() {
		await().atMost(TIMEOUT).untilAsserted(() -> assertThat(this.client.dump("app")).isEmpty());
	}

	@Configuration(proxyBeanMethods = false)
	static class AsyncConfiguration extends DlmLockedTests.DlmConfiguration {

		@Bean
		Counters counters() {
			return new Counters();
		}

		@Bean
		AsyncWork asyncWork(Counters counters, ObjectProvider<AsyncWork> self) {
			return new AsyncWork(counters, self);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class PlainFutureConfiguration extends DlmLockedTests.DlmConfiguration {

		@Bean
		PlainFuture plainFuture() {
			return new PlainFuture();
		}

	}

	/** What the bodies did; kept apart from the proxied bean, whose proxy has no state. */
	static class Counters {

		final ExecutorService executor = Executors.newCachedThreadPool();

		final AtomicInteger inside = new AtomicInteger();

		final AtomicInteger maxInside = new AtomicInteger();

		final AtomicInteger bodies = new AtomicInteger();

	}

	static class AsyncWork {

		private final Counters counters;

		private final ExecutorService executor;

		private final ObjectProvider<AsyncWork> self;

		AsyncWork(Counters counters, ObjectProvider<AsyncWork> self) {
			this.counters = counters;
			this.executor = counters.executor;
			this.self = self;
		}

		@DlmLocked(key = "'work'")
		CompletableFuture<String> future() {
			return CompletableFuture.supplyAsync(this::body, this.executor);
		}

		@DlmLocked(key = "'work'")
		Mono<String> mono() {
			return Mono.fromCallable(this::body).subscribeOn(Schedulers.boundedElastic());
		}

		@DlmLocked(key = "'work'")
		Flux<Integer> flux() {
			return Flux.just(1, 2, 3).delayElements(Duration.ofMillis(1)).doOnNext((element) -> body());
		}

		@DlmLocked(key = "'work'", waitTime = "0", ifNotAcquired = IfNotAcquired.SKIP)
		CompletableFuture<String> skipFuture() {
			return CompletableFuture.supplyAsync(this::body, this.executor);
		}

		@DlmLocked(key = "'work'", waitTime = "0", ifNotAcquired = IfNotAcquired.SKIP)
		Mono<String> skipMono() {
			return Mono.fromCallable(this::body);
		}

		@DlmLocked(key = "'work'", waitTime = "0", ifNotAcquired = IfNotAcquired.SKIP)
		Flux<String> skipFlux() {
			return Flux.just("x").map((x) -> body());
		}

		@DlmLocked(key = "'work'", waitTime = "0")
		CompletableFuture<String> noWaitFuture() {
			return CompletableFuture.supplyAsync(this::body, this.executor);
		}

		@DlmLocked(key = "'work'", waitTime = "0")
		Mono<String> noWaitMono() {
			return Mono.fromCallable(this::body);
		}

		@DlmLocked(key = "'work'")
		CompletableFuture<String> reentering() {
			return CompletableFuture.completedFuture(this.self.getObject().inner());
		}

		@DlmLocked(key = "'work'")
		String inner() {
			return "inner held twice";
		}

		private String body() {
			int now = this.counters.inside.incrementAndGet();
			this.counters.maxInside.accumulateAndGet(now, Math::max);
			LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2));
			this.counters.bodies.incrementAndGet();
			this.counters.inside.decrementAndGet();
			return "done";
		}

	}

	static class PlainFuture {

		@DlmLocked(key = "'work'")
		Future<String> start() {
			return CompletableFuture.completedFuture("started");
		}

	}

}
