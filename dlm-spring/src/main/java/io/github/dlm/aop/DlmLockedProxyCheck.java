package io.github.dlm.aop;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.springframework.aop.framework.Advised;
import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.core.annotation.AnnotationUtils;
import org.springframework.util.ClassUtils;
import org.springframework.util.ConcurrentReferenceHashMap;
import org.springframework.util.ReflectionUtils;

/**
 * Logs a WARN line for every {@link DlmLocked @DlmLocked} method that the proxy of its
 * bean cannot intercept, and that would therefore run without its lock: private and static
 * methods (no Spring AOP proxy intercepts them), final methods of a class-based (CGLIB)
 * proxy (it cannot override them), and methods that no interface of an interface-based
 * (JDK) proxy declares (calls cannot reach them through the proxy).
 * <p>
 * Register it as a static infrastructure bean next to the {@link DlmLockedAdvisor} (the
 * auto-configuration does). It has no order, so it runs after the auto-proxy creator and
 * sees the proxy it made. It warns rather than fails: Spring's other proxy-based
 * annotations ({@code @Transactional}, {@code @Cacheable}) do not fail start-up for such
 * methods either, and an application may keep an annotation on a method it calls only in
 * ways that need no lock.
 */
public class DlmLockedProxyCheck implements BeanPostProcessor {

	private static final Log logger = LogFactory.getLog(DlmLockedProxyCheck.class);

	private final Map<Class<?>, List<Method>> annotatedMethods = new ConcurrentReferenceHashMap<>();

	private final Set<String> warned = ConcurrentHashMap.newKeySet();

	@Override
	public Object postProcessAfterInitialization(Object bean, String beanName) {
		Class<?> targetClass = ClassUtils.getUserClass(AopUtils.getTargetClass(bean));
		for (Method method : this.annotatedMethods.computeIfAbsent(targetClass, DlmLockedProxyCheck::annotatedMethods)) {
			String problem = problem(method, bean, beanName);
			if (problem != null) {
				warn("@DlmLocked on " + method.getDeclaringClass().getName() + "." + method.getName()
						+ "() has no effect, so calls run without the lock: " + problem);
			}
		}
		return bean;
	}

	private static List<Method> annotatedMethods(Class<?> targetClass) {
		if (!AnnotationUtils.isCandidateClass(targetClass, DlmLocked.class)) {
			return List.of();
		}
		return Arrays.stream(ReflectionUtils.getUniqueDeclaredMethods(targetClass, ReflectionUtils.USER_DECLARED_METHODS))
			.filter((method) -> AnnotatedElementUtils.hasAnnotation(method, DlmLocked.class))
			.toList();
	}

	private static @Nullable String problem(Method method, Object bean, String beanName) {
		int modifiers = method.getModifiers();
		if (Modifier.isStatic(modifiers)) {
			return "it is static, and Spring AOP proxies intercept only instance methods of beans (bean '" + beanName
					+ "'). Make it an instance method and call it through the bean";
		}
		if (Modifier.isPrivate(modifiers)) {
			return "it is private, and Spring AOP proxies cannot intercept private methods (bean '" + beanName
					+ "'). Make it public and call it through the bean (an injected reference, not this)";
		}
		if (AopUtils.isCglibProxy(bean) && Modifier.isFinal(modifiers)) {
			return "it is final, so the class-based (CGLIB) proxy of bean '" + beanName
					+ "' cannot override it. Remove final (in Kotlin: make it open)";
		}
		if (AopUtils.isJdkDynamicProxy(bean) && bean instanceof Advised advised
				&& Arrays.stream(advised.getProxiedInterfaces()).noneMatch((ifc) -> ClassUtils.hasMethod(ifc, method))) {
			return "bean '" + beanName + "' is proxied through its interfaces (a JDK proxy) and none of them ("
					+ String.join(", ", Arrays.stream(advised.getProxiedInterfaces()).map(Class::getName).toList())
					+ ") declares it. Declare it on an interface, or use class-based proxies "
					+ "(spring.aop.proxy-target-class=true, Spring Boot's default)";
		}
		return null;
	}

	private void warn(String message) {
		if (this.warned.add(message)) {
			logger.warn(message);
		}
	}

}
