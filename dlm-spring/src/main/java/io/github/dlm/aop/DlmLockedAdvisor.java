package io.github.dlm.aop;

import java.lang.reflect.Method;
import java.util.function.Supplier;

import org.aopalliance.aop.Advice;
import org.jspecify.annotations.Nullable;
import org.springframework.aop.Pointcut;
import org.springframework.aop.support.AbstractPointcutAdvisor;
import org.springframework.aop.support.StaticMethodMatcherPointcut;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.AnnotationUtils;

import io.github.dlm.lock.DlmLockRegistries;

/**
 * Applies {@link DlmLocked @DlmLocked} to Spring beans: a pointcut matching annotated
 * methods and the {@link DlmLockedInterceptor}. Register it as an infrastructure bean
 * ({@code @Role(BeanDefinition.ROLE_INFRASTRUCTURE)}) next to an auto-proxy creator.
 * <p>
 * Register a {@link DlmLockedProxyCheck} too, so that annotated methods the proxy cannot
 * intercept (private, static, final with class-based proxies) are reported rather than run
 * without their lock; the auto-configuration registers both.
 * <p>
 * Its default order, {@link #DEFAULT_ORDER}, puts the lock outside
 * {@code @Transactional} and other advice with the default (lowest) precedence, so the
 * lock is released only after the transaction ended.
 */
public class DlmLockedAdvisor extends AbstractPointcutAdvisor implements BeanFactoryAware {

	/** The default order: just ahead of advice with the lowest precedence. */
	public static final int DEFAULT_ORDER = Ordered.LOWEST_PRECEDENCE - 100;

	private final DlmLockedInterceptor interceptor;

	private final Pointcut pointcut;

	/**
	 * Creates the advisor.
	 * @param registries the registries to take locks from
	 */
	public DlmLockedAdvisor(DlmLockRegistries registries) {
		this(new DlmLockedInterceptor(registries));
	}

	/**
	 * Creates the advisor with registries looked up on first use, such as
	 * {@code objectProvider::getObject}.
	 * @param registries supplies the registries to take locks from
	 */
	public DlmLockedAdvisor(Supplier<DlmLockRegistries> registries) {
		this(new DlmLockedInterceptor(registries));
	}

	private DlmLockedAdvisor(DlmLockedInterceptor interceptor) {
		this.interceptor = interceptor;
		this.pointcut = new DlmLockedPointcut(interceptor.getOperationSource());
		setOrder(DEFAULT_ORDER);
	}

	/**
	 * Sets the name of this node in the run records of methods with a
	 * {@link DlmLocked#minInterval() minimum interval}.
	 * @param nodeName the name; by default the host name
	 * @see DlmLockedInterceptor#setNodeName(String)
	 */
	public void setNodeName(String nodeName) {
		this.interceptor.setNodeName(nodeName);
	}

	/**
	 * The name of this node in run records.
	 * @return the name
	 * @see DlmLockedInterceptor#getNodeName()
	 */
	public String getNodeName() {
		return this.interceptor.getNodeName();
	}

	@Override
	public void setBeanFactory(BeanFactory beanFactory) {
		this.interceptor.setBeanFactory(beanFactory);
	}

	@Override
	public Pointcut getPointcut() {
		return this.pointcut;
	}

	@Override
	public Advice getAdvice() {
		return this.interceptor;
	}

	/**
	 * Matches methods carrying {@link DlmLocked @DlmLocked}, parsing (and so validating)
	 * the annotations of all methods of a class when the proxy is created.
	 */
	private static final class DlmLockedPointcut extends StaticMethodMatcherPointcut {

		private final DlmLockedOperationSource operationSource;

		DlmLockedPointcut(DlmLockedOperationSource operationSource) {
			this.operationSource = operationSource;
			setClassFilter((clazz) -> AnnotationUtils.isCandidateClass(clazz, DlmLocked.class)
					&& operationSource.hasOperations(clazz));
		}

		@Override
		public boolean matches(Method method, @Nullable Class<?> targetClass) {
			return this.operationSource.getOperation(method, targetClass) != null;
		}

	}

}
