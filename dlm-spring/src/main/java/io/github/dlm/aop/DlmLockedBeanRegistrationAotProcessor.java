package io.github.dlm.aop;

import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.aot.BeanRegistrationAotContribution;
import org.springframework.beans.factory.aot.BeanRegistrationAotProcessor;
import org.springframework.beans.factory.support.RegisteredBean;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils;

/**
 * For a GraalVM native image: lets the advisor find {@link DlmLocked @DlmLocked} on a bean's
 * methods at run time, where the annotations of a method are visible only if the method was
 * registered for reflection. Registers the declared methods of each bean class that carries
 * the annotation (and of the interfaces those methods may take it from). Registered in
 * {@code META-INF/spring/aot.factories}.
 */
class DlmLockedBeanRegistrationAotProcessor implements BeanRegistrationAotProcessor {

	@Override
	public @Nullable BeanRegistrationAotContribution processAheadOfTime(RegisteredBean registeredBean) {
		Class<?> beanClass = ClassUtils.getUserClass(registeredBean.getBeanClass());
		List<Method> annotated = Arrays
			.stream(ReflectionUtils.getUniqueDeclaredMethods(beanClass, ReflectionUtils.USER_DECLARED_METHODS))
			.filter((method) -> AnnotatedElementUtils.hasAnnotation(method, DlmLocked.class))
			.toList();
		if (annotated.isEmpty()) {
			return null;
		}
		return (generationContext, beanRegistrationCode) -> {
			var reflection = generationContext.getRuntimeHints().reflection();
			// registering a type includes introspecting its methods (Spring Framework 7)
			for (Class<?> type : ClassUtils.getAllInterfacesForClassAsSet(beanClass)) {
				reflection.registerType(type);
			}
			for (Class<?> type = beanClass; type != null && type != Object.class; type = type.getSuperclass()) {
				reflection.registerType(type);
			}
		};
	}

}
