package io.github.dlm.aop;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.context.expression.BeanFactoryResolver;
import org.springframework.context.expression.CachedExpressionEvaluator;
import org.springframework.context.expression.MethodBasedEvaluationContext;
import org.springframework.expression.Expression;

/**
 * Evaluates {@link DlmLocked#key()} expressions, parsing each once.
 */
final class DlmLockedKeyEvaluator extends CachedExpressionEvaluator {

	private final Map<ExpressionKey, Expression> expressions = new ConcurrentHashMap<>(64);

	@Nullable Object key(DlmLockedOperation operation, String expression, Object[] args, Object target,
			Class<?> targetClass, @Nullable BeanFactory beanFactory) {
		DlmLockedExpressionRoot root = new DlmLockedExpressionRoot(operation.method(), args, target, targetClass);
		MethodBasedEvaluationContext context = new MethodBasedEvaluationContext(root, operation.method(), args,
				getParameterNameDiscoverer());
		if (beanFactory != null) {
			context.setBeanResolver(new BeanFactoryResolver(beanFactory));
		}
		return getExpression(this.expressions, operation.elementKey(), expression).getValue(context);
	}

}
