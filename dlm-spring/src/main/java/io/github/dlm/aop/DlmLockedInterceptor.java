package io.github.dlm.aop;

import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.config.ConfigurableBeanFactory;
import org.springframework.expression.EvaluationException;
import org.springframework.util.Assert;

import io.github.dlm.aop.DlmLocked.IfNotAcquired;
import io.github.dlm.lock.DlmLastRun;
import io.github.dlm.lock.DlmLock;
import io.github.dlm.lock.DlmLockRegistries;
import io.github.dlm.lock.DlmLockRegistry;
import io.github.dlm.lock.DlmRunRecord;

/**
 * Runs {@link DlmLocked @DlmLocked} methods while holding their lock. Usually applied
 * through a {@link DlmLockedAdvisor}.
 */
public class DlmLockedInterceptor implements MethodInterceptor, BeanFactoryAware {

	private static final Log logger = LogFactory.getLog(DlmLockedInterceptor.class);

	private final Supplier<DlmLockRegistries> registries;

	private final DlmLockedOperationSource operationSource = new DlmLockedOperationSource();

	private final DlmLockedKeyEvaluator keyEvaluator = new DlmLockedKeyEvaluator();

	private volatile @Nullable BeanFactory beanFactory;

	private volatile @Nullable String nodeName;

	/**
	 * Creates the interceptor.
	 * @param registries the registries to take locks from
	 */
	public DlmLockedInterceptor(DlmLockRegistries registries) {
		this(singleton(registries));
	}

	/**
	 * Creates the interceptor with registries looked up on first use, so that an advisor
	 * created early in the context does not force the DLM backend to start early.
	 * @param registries supplies the registries to take locks from
	 */
	public DlmLockedInterceptor(Supplier<DlmLockRegistries> registries) {
		Assert.notNull(registries, "DlmLockRegistries supplier must not be null");
		this.registries = registries;
	}

	/**
	 * Enables property placeholders in {@link DlmLocked#waitTime()} and
	 * {@link DlmLocked#lockspace()}, and bean references in key expressions.
	 * @param beanFactory the bean factory
	 */
	@Override
	public void setBeanFactory(BeanFactory beanFactory) {
		this.beanFactory = beanFactory;
		this.operationSource.setPlaceholderResolver((beanFactory instanceof ConfigurableBeanFactory configurable)
				? configurable::resolveEmbeddedValue : null);
	}

	/**
	 * Sets the name of this node in the run records of methods with a
	 * {@link DlmLocked#minInterval() minimum interval}.
	 * @param nodeName the name; by default the host name
	 */
	public void setNodeName(String nodeName) {
		Assert.hasText(nodeName, "Node name must not be empty");
		this.nodeName = nodeName;
	}

	/**
	 * The name of this node in run records.
	 * @return the configured name, else the host name (or {@code "unknown"} if it cannot be
	 * found)
	 */
	public String getNodeName() {
		String name = this.nodeName;
		if (name == null) {
			name = hostName();
			this.nodeName = name;
		}
		return name;
	}

	private static String hostName() {
		try {
			return InetAddress.getLocalHost().getHostName();
		}
		catch (IOException ex) {
			return "unknown";
		}
	}

	DlmLockedOperationSource getOperationSource() {
		return this.operationSource;
	}

	@Override
	public @Nullable Object invoke(MethodInvocation invocation) throws Throwable {
		Object target = invocation.getThis();
		Class<?> targetClass = (target != null) ? AopUtils.getTargetClass(target)
				: invocation.getMethod().getDeclaringClass();
		DlmLockedOperation operation = this.operationSource.getOperation(invocation.getMethod(), targetClass);
		if (operation == null) {
			return invocation.proceed();
		}
		Object key = key(operation, invocation, target, targetClass);
		DlmLockRegistries registries = this.registries.get();
		DlmLockRegistry registry = (operation.lockspace() != null) ? registries.registry(operation.lockspace())
				: registries.registry();
		DlmLock lock = obtain(registry, key, operation);
		if (operation.returnType() != DlmLockedReturnType.SYNCHRONOUS) {
			return invokeAsynchronous(invocation, operation, lock, key);
		}
		// a re-entry belongs to the outer call's run: only the outermost call checks the interval
		boolean outermost = operation.minInterval() == null || !lock.isHeldByCurrentThread();
		if (!acquire(lock, operation, key)) {
			if (operation.ifNotAcquired() == IfNotAcquired.SKIP) {
				return skipped(operation);
			}
			throw notAcquired(operation, key, lock, notGranted(operation), null);
		}
		Throwable failure = null;
		try (DlmLockedContext.Scope bound = DlmLockedContext.bind(lock)) {
			return (operation.minInterval() != null && outermost) ? proceedUnlessTooSoon(invocation, operation, lock)
					: invocation.proceed();
		}
		catch (Throwable ex) {
			failure = ex;
			throw ex;
		}
		finally {
			try {
				lock.unlock();
			}
			catch (RuntimeException ex) {
				if (failure == null) {
					throw ex;
				}
				failure.addSuppressed(ex);
			}
		}
	}

	/**
	 * Runs the method unless its last run, on any node, started less than its minimum
	 * interval from now; records this run's start and node, published however it ends. A
	 * record that recovery marked not valid holds a run at or before the last one: if that
	 * run is too recent the method is skipped, otherwise it runs (the last run is unknown,
	 * and skipping could hold the job back for as long as the mark stays).
	 */
	private @Nullable Object proceedUnlessTooSoon(MethodInvocation invocation, DlmLockedOperation operation,
			DlmLock lock) throws Throwable {
		Duration minInterval = operation.minInterval();
		try (DlmRunRecord record = lock.openRunRecord()) {
			Instant now = Instant.now();
			DlmLastRun last = record.lastRun().orElse(null);
			if (last != null && Duration.between(last.startedAt(), now).abs().compareTo(minInterval) < 0) {
				if (logger.isDebugEnabled()) {
					logger.debug("@DlmLocked method " + operation.methodDescription() + " skipped: it last ran on node '"
							+ last.node() + "' at " + last.startedAt() + ", less than minInterval " + minInterval
							+ " ago");
				}
				return skipped(operation);
			}
			if (!record.isValid()) {
				logger.info("@DlmLocked method " + operation.methodDescription() + " runs although its run record was "
						+ "marked not valid (the lock manager lost a node in recovery): its last run is unknown; the "
						+ "last one a surviving node recorded is " + ((last != null) ? "from node '" + last.node()
								+ "' at " + last.startedAt() : "none") + ", more than minInterval " + minInterval + " ago");
			}
			record.recordRun(new DlmLastRun(now, getNodeName()));
			return invocation.proceed();
		}
	}

	private static @Nullable Object skipped(DlmLockedOperation operation) {
		return (operation.method().getReturnType() == Optional.class) ? Optional.empty() : null;
	}

	private @Nullable Object invokeAsynchronous(MethodInvocation invocation, DlmLockedOperation operation, DlmLock lock,
			Object key) throws Throwable {
		boolean waits = operation.waitTime() == null || !operation.waitTime().isZero();
		if (operation.returnType() == DlmLockedReturnType.COMPLETION_STAGE && waits && lock.isHeldByCurrentThread()) {
			throw new IllegalStateException("@DlmLocked method " + operation.methodDescription() + " returns an "
					+ "asynchronous result and was called by thread '" + Thread.currentThread().getName() + "', which "
					+ "holds " + lock + " already: the method's own hold would wait for the caller's forever. Call "
					+ "it outside the caller's locked section, or give it another key");
		}
		AsyncLockedInvoker.NotAcquired notAcquired = (cause, reason) -> notAcquired(operation, key, lock, reason, cause);
		if (operation.returnType() == DlmLockedReturnType.REACTIVE) {
			return ReactiveLockedInvoker.invokeReactive(invocation, lock, operation, notAcquired);
		}
		return AsyncLockedInvoker.invokeCompletionStage(invocation, lock, operation, notAcquired);
	}

	static String notGranted(DlmLockedOperation operation) {
		return "it was not granted " + ((operation.waitTime() == null || operation.waitTime().isZero())
				? ((operation.waitTime() == null) ? "before the request was cancelled" : "at once (waitTime \"0\")")
				: "within waitTime \"" + operation.waitTimeText() + "\"");
	}

	private Object key(DlmLockedOperation operation, MethodInvocation invocation, @Nullable Object target,
			Class<?> targetClass) {
		String expression = operation.keyExpression();
		if (expression == null) {
			return operation.defaultKey();
		}
		Object key;
		try {
			key = this.keyEvaluator.key(operation, expression, invocation.getArguments(),
					(target != null) ? target : invocation.getMethod(), targetClass, this.beanFactory);
		}
		catch (EvaluationException ex) {
			throw new IllegalArgumentException("@DlmLocked key expression '" + expression + "' on "
					+ operation.methodDescription() + " failed: " + ex.getMessage(), ex);
		}
		if (key == null) {
			throw new IllegalArgumentException("@DlmLocked key expression '" + expression + "' on "
					+ operation.methodDescription() + " evaluated to null; a lock key must not be null");
		}
		return key;
	}

	/** A key the registry refuses (too long, empty) names the method and where the key came from. */
	private static DlmLock obtain(DlmLockRegistry registry, Object key, DlmLockedOperation operation) {
		try {
			return registry.obtain(key, operation.mode());
		}
		catch (IllegalArgumentException ex) {
			String source = (operation.keyExpression() != null)
					? "its key expression '" + operation.keyExpression() + "'" : "its default key";
			throw new IllegalArgumentException("@DlmLocked on " + operation.methodDescription() + ": the lock key from "
					+ source + " was refused. " + ex.getMessage(), ex);
		}
	}

	private boolean acquire(DlmLock lock, DlmLockedOperation operation, Object key) {
		Duration waitTime = operation.waitTime();
		try {
			if (waitTime == null) {
				lock.lockInterruptibly();
				return true;
			}
			if (waitTime.isZero()) {
				return lock.tryLock();
			}
			// saturates at Long.MAX_VALUE where Duration.toNanos() would overflow
			return lock.tryLock(TimeUnit.NANOSECONDS.convert(waitTime), TimeUnit.NANOSECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw notAcquired(operation, key, lock, "the thread was interrupted while waiting", ex);
		}
	}

	private DlmLockNotAcquiredException notAcquired(DlmLockedOperation operation, Object key, DlmLock lock,
			String reason, @Nullable Throwable cause) {
		return new DlmLockNotAcquiredException("@DlmLocked method " + operation.methodDescription() + " did not run: "
				+ lock + " was not acquired because " + reason, key, lock.getRegistry().getLockspace().name(),
				operation.mode(), operation.waitTime(), cause);
	}

	private static Supplier<DlmLockRegistries> singleton(DlmLockRegistries registries) {
		Assert.notNull(registries, "DlmLockRegistries must not be null");
		return () -> registries;
	}

}
