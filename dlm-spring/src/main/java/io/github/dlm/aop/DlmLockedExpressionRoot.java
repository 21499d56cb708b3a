package io.github.dlm.aop;

import java.lang.reflect.Method;

/**
 * The {@code #root} object of {@link DlmLocked#key()} expressions.
 *
 * @param method the method called
 * @param args the arguments
 * @param target the target bean
 * @param targetClass the target's class
 */
record DlmLockedExpressionRoot(Method method, Object[] args, Object target, Class<?> targetClass) {

	public Method getMethod() {
		return this.method;
	}

	public String getMethodName() {
		return this.method.getName();
	}

	public Object[] getArgs() {
		return this.args;
	}

	public Object getTarget() {
		return this.target;
	}

	public Class<?> getTargetClass() {
		return this.targetClass;
	}

}
