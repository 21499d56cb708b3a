package io.github.dlm.aop;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.core.annotation.AliasFor;

import io.github.dlm.core.DlmMode;

/**
 * Runs a Spring bean method while holding a DLM lock.
 * <p>
 * The lock is taken before the method runs and released however it ends (return,
 * exception or error). Calls nest: the same key taken again by the same thread is
 * reentrant, and different keys can be taken inside each other. Like every Spring AOP
 * advice, it applies to calls through the bean's proxy, not to calls a bean makes on
 * itself ({@code this.method()}), and not to private or static methods, nor to final
 * methods of class-based proxies or methods missing from the interfaces of an
 * interface-based proxy; {@link DlmLockedProxyCheck} logs a WARN line naming such methods
 * when the bean is created.
 * <pre class="code">
 * &#64;DlmLocked(key = "'order-' + #orderId", waitTime = "5s")
 * public void ship(long orderId) { ... }
 * </pre>
 * The lock is taken outside of {@code @Transactional} with default ordering, so it is
 * released only after the transaction ended.
 * <p>
 * A method returning a {@code CompletableFuture} or {@code CompletionStage} holds the lock
 * until the returned stage completes (the lock is taken on the calling thread before the
 * method runs); one returning a {@code Mono}, {@code Flux} or another type Spring's
 * {@link org.springframework.core.ReactiveAdapterRegistry} adapts (with Reactor on the
 * class path) takes the lock at subscription and holds it until the publisher terminates
 * or the subscription is cancelled. While the method itself runs, the calling thread may
 * re-enter the lock. {@link IfNotAcquired#SKIP} then gives an empty result of the method's
 * type, {@link IfNotAcquired#THROW} a failed one. Return types whose completion cannot be
 * observed (a plain {@code Future}, Kotlin {@code suspend} functions) are refused when the
 * proxy is created.
 */
@Target({ ElementType.METHOD, ElementType.ANNOTATION_TYPE })
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface DlmLocked {

	/**
	 * Alias for {@link #key()}.
	 * @return the key expression
	 */
	@AliasFor("key")
	String value() default "";

	/**
	 * A SpEL expression over the method's arguments giving the lock key: arguments by name
	 * ({@code #id}) or position ({@code #p0}, {@code #a0}), {@code #root.methodName},
	 * {@code #root.targetClass}, {@code #root.args} and bean references ({@code @bean}).
	 * The key names the DLM resource (1..64 bytes) through the registry's
	 * {@link io.github.dlm.lock.DlmKeyStrategy}: its text as UTF-8, a {@code byte[]} as
	 * itself, other arrays and collections by their elements; equal keys are one lock. A
	 * {@code null} key, or one whose class inherits {@code Object.toString()} (an identity
	 * string), fails the call with an {@link IllegalArgumentException}.
	 * <p>
	 * Empty (the default): one lock for the method, named
	 * {@code fully.qualified.Class.method(fully.qualified.ParamType,...)} after the class
	 * that declares it, or, when that is longer than 64 bytes, {@code Class.method} (without
	 * the package, cut to 39 bytes), {@code '#'} and 24 hex digits of the SHA-256 of the full
	 * form, such as {@code OrderService.ship#3f9c0e5a1b2d4c6e8f7a9b0c}. Either way it fits
	 * in a resource name under every key strategy.
	 * @return the key expression
	 */
	@AliasFor("value")
	String key() default "";

	/**
	 * The mode to hold the lock in.
	 * @return the mode, {@link DlmMode#EX} by default
	 */
	DlmMode mode() default DlmMode.EX;

	/**
	 * How long to wait for the lock: empty (the default) to wait as long as it takes
	 * (an interrupt ends the wait), {@code "0"} not to wait at all (a NOQUEUE request), or a
	 * duration such as {@code "500ms"}, {@code "5s"} or {@code "PT5S"}. Property
	 * placeholders ({@code "${orders.lock-wait:5s}"}) are resolved.
	 * @return the wait time
	 */
	String waitTime() default "";

	/**
	 * What happens when the lock is not acquired within {@link #waitTime()}.
	 * @return the action, {@link IfNotAcquired#THROW} by default
	 */
	IfNotAcquired ifNotAcquired() default IfNotAcquired.THROW;

	/**
	 * The lockspace of the lock; empty (the default) for the application's default
	 * lockspace. Property placeholders are resolved.
	 * @return the lockspace name
	 */
	String lockspace() default "";

	/**
	 * The least time between the starts of two runs of the method, on any node: empty (the
	 * default) for none, or a duration such as {@code "30s"} or {@code "PT30S"}; property
	 * placeholders are resolved. The counterpart of ShedLock's {@code lockAtLeastFor}, for
	 * scheduled jobs that should run once per trigger across nodes whose timers fire a
	 * little apart:
	 * <pre class="code">
	 * &#64;Scheduled(cron = "0 0 2 * * *")
	 * &#64;DlmLocked(key = "'nightly-report'", waitTime = "0", ifNotAcquired = SKIP, minInterval = "30s")
	 * public void nightlyReport() { ... }
	 * </pre>
	 * Under the lock, the method reads when and where it last ran from a
	 * {@link io.github.dlm.lock.DlmRunRecord run record} kept beside the lock; if that start
	 * is less than this interval away from now (by this node's wall clock), the method does
	 * not run and returns as {@link IfNotAcquired#SKIP} does. Otherwise it runs, and its
	 * start and node are published when it ends, however it ends. Node clocks that disagree
	 * by {@code d} shorten or lengthen the interval by up to {@code d}. Needs mode PW or EX,
	 * and a method that returns neither a primitive (other than {@code void}) nor an
	 * asynchronous result.
	 * @return the minimum interval
	 */
	String minInterval() default "";

	/**
	 * What a {@link DlmLocked @DlmLocked} method does when its lock is not acquired in
	 * time.
	 */
	enum IfNotAcquired {

		/** Throw a {@link DlmLockNotAcquiredException} without running the method. */
		THROW,

		/**
		 * Do not run the method: return {@code null}, or {@link java.util.Optional#empty()}
		 * for a method returning {@code Optional}. Not allowed on methods returning a
		 * primitive other than {@code void}.
		 */
		SKIP

	}

}
