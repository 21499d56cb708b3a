package io.github.dlm.aop;

import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

import org.jspecify.annotations.Nullable;
import org.springframework.aop.support.AopUtils;
import org.springframework.context.expression.AnnotatedElementKey;
import org.springframework.core.MethodClassKey;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.expression.ParseException;
import org.springframework.expression.spel.standard.SpelExpressionParser;
import org.springframework.format.datetime.standard.DurationFormatterUtils;
import org.springframework.util.ReflectionUtils;
import org.springframework.util.StringUtils;
import org.springframework.util.StringValueResolver;

import io.github.dlm.aop.DlmLocked.IfNotAcquired;
import io.github.dlm.core.DlmMode;
import io.github.dlm.core.DlmNames;

/**
 * Finds and parses {@link DlmLocked @DlmLocked} on methods, caching the result per method
 * and target class. Invalid attributes fail here, which is when the proxy is created, so a
 * mistake stops the application context from starting.
 */
final class DlmLockedOperationSource {

	private static final int HASHED_KEY_HEX_DIGITS = 24;

	private static final int HASHED_KEY_READABLE_BYTES = DlmNames.MAX_RESOURCE_NAME_LENGTH - 1 - HASHED_KEY_HEX_DIGITS;

	// the grammar the interceptor's CachedExpressionEvaluator parses keys with
	private static final SpelExpressionParser KEY_PARSER = new SpelExpressionParser();

	private final Map<MethodClassKey, Optional<DlmLockedOperation>> cache = new ConcurrentHashMap<>();

	private volatile @Nullable StringValueResolver placeholderResolver;

	void setPlaceholderResolver(@Nullable StringValueResolver placeholderResolver) {
		this.placeholderResolver = placeholderResolver;
	}

	/**
	 * The operation for a method called on a target class.
	 * @return the operation, or {@code null} if the method is not annotated
	 * @throws IllegalStateException if the annotation's attributes are invalid
	 */
	@Nullable DlmLockedOperation getOperation(Method method, @Nullable Class<?> targetClass) {
		MethodClassKey cacheKey = new MethodClassKey(method, targetClass);
		Optional<DlmLockedOperation> operation = this.cache.get(cacheKey);
		if (operation == null) {
			operation = Optional.ofNullable(parse(method, targetClass));
			this.cache.put(cacheKey, operation);
		}
		return operation.orElse(null);
	}

	/**
	 * Parses every annotated method of a class, so that a mistake in any of them fails when
	 * the proxy is created: Spring asks the pointcut about methods only until one matches.
	 * @param targetClass the class of a bean
	 * @return whether any method of the class carries the annotation
	 * @throws IllegalStateException if an annotation's attributes are invalid
	 */
	boolean hasOperations(Class<?> targetClass) {
		boolean found = false;
		for (Method method : ReflectionUtils.getUniqueDeclaredMethods(targetClass, ReflectionUtils.USER_DECLARED_METHODS)) {
			if (AnnotatedElementUtils.hasAnnotation(method, DlmLocked.class)) {
				found |= getOperation(method, targetClass) != null;
			}
		}
		return found;
	}

	private @Nullable DlmLockedOperation parse(Method method, @Nullable Class<?> targetClass) {
		Method specificMethod = AopUtils.getMostSpecificMethod(method, targetClass);
		DlmLocked annotation = AnnotatedElementUtils.findMergedAnnotation(specificMethod, DlmLocked.class);
		if (annotation == null && specificMethod != method) {
			annotation = AnnotatedElementUtils.findMergedAnnotation(method, DlmLocked.class);
		}
		if (annotation == null) {
			return null;
		}
		String where = "@DlmLocked on " + specificMethod.toGenericString();
		if (annotation.ifNotAcquired() == IfNotAcquired.SKIP && specificMethod.getReturnType().isPrimitive()
				&& specificMethod.getReturnType() != void.class) {
			throw new IllegalStateException(where + " uses ifNotAcquired = SKIP but the method returns "
					+ specificMethod.getReturnType() + ", which cannot be skipped (there is no value to return): "
					+ "return void, an object or an Optional, or use ifNotAcquired = THROW");
		}
		String waitTimeText = resolve(annotation.waitTime());
		String lockspace = resolve(annotation.lockspace());
		if (StringUtils.hasText(lockspace)) {
			try {
				DlmNames.checkLockspaceName(lockspace);
			}
			catch (IllegalArgumentException ex) {
				throw new IllegalStateException(where + " names an invalid lockspace: " + ex.getMessage(), ex);
			}
		}
		DlmLockedReturnType returnType = DlmLockedReturnType.of(specificMethod, where);
		Duration minInterval = parseMinInterval(resolve(annotation.minInterval()), where);
		if (minInterval != null) {
			checkMinInterval(specificMethod, annotation.mode(), returnType, where);
		}
		String keyExpression = StringUtils.hasText(annotation.key()) ? annotation.key() : null;
		if (keyExpression != null) {
			checkKeyExpression(keyExpression, where);
		}
		return new DlmLockedOperation(specificMethod, new AnnotatedElementKey(specificMethod, targetClass),
				keyExpression, defaultKey(specificMethod),
				annotation.mode(), parseWaitTime(waitTimeText, where), waitTimeText, annotation.ifNotAcquired(),
				StringUtils.hasText(lockspace) ? lockspace : null, returnType, minInterval);
	}

	private static void checkKeyExpression(String expression, String where) {
		try {
			KEY_PARSER.parseExpression(expression);
		}
		catch (ParseException ex) {
			throw new IllegalStateException(where + " has a key expression that does not parse: '" + expression
					+ "': " + ex.getMessage() + ". Write a SpEL expression over the arguments, such as key = \"#id\""
					+ " or key = \"'order-' + #order.id\"", ex);
		}
	}

	private static @Nullable Duration parseMinInterval(String text, String where) {
		if (text.isEmpty()) {
			return null;
		}
		Duration minInterval;
		try {
			minInterval = DurationFormatterUtils.detectAndParse(text);
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalStateException(where + " has minInterval '" + text + "', which is not a duration: use a "
					+ "duration such as '30s' or 'PT30S', or '' for none", ex);
		}
		if (minInterval.isNegative() || minInterval.isZero()) {
			throw new IllegalStateException(where + " has minInterval '" + text + "': use a positive duration, or '' "
					+ "for none");
		}
		return minInterval;
	}

	private static void checkMinInterval(Method method, DlmMode mode, DlmLockedReturnType returnType, String where) {
		if (!mode.writesValueBlock()) {
			throw new IllegalStateException(where + " uses minInterval with mode " + mode + ", which lets several "
					+ "nodes run the method at once: use mode PW or EX");
		}
		if (returnType != DlmLockedReturnType.SYNCHRONOUS) {
			throw new IllegalStateException(where + " uses minInterval on a method returning an asynchronous result; "
					+ "minInterval is supported on methods that return when their work is done");
		}
		if (method.getReturnType().isPrimitive() && method.getReturnType() != void.class) {
			throw new IllegalStateException(where + " uses minInterval but the method returns "
					+ method.getReturnType() + ", which cannot be skipped: return void, an object or an Optional");
		}
	}

	private String resolve(String value) {
		StringValueResolver resolver = this.placeholderResolver;
		String resolved = (resolver != null && StringUtils.hasText(value)) ? resolver.resolveStringValue(value) : value;
		return (resolved != null) ? resolved.trim() : "";
	}

	static @Nullable Duration parseWaitTime(String text, String where) {
		if (text.isEmpty()) {
			return null;
		}
		Duration waitTime;
		try {
			waitTime = DurationFormatterUtils.detectAndParse(text);
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalStateException(where + " has waitTime '" + text + "', which is not a duration: use '' "
					+ "to wait as long as it takes, '0' not to wait, or a duration such as '500ms', '5s' or 'PT5S'", ex);
		}
		if (waitTime.isNegative()) {
			throw new IllegalStateException(where + " has a negative waitTime '" + text
					+ "': use '' to wait as long as it takes, '0' not to wait, or a positive duration");
		}
		return waitTime;
	}

	/**
	 * One lock per method: {@code fully.qualified.Class.method(fully.qualified.ParamType,...)}
	 * when that fits in a resource name (64 bytes of UTF-8), else a readable prefix
	 * ({@code Class.method} after the package, cut to 39 bytes), {@code '#'} and the first
	 * 24 hex digits (96 bits) of the SHA-256 of the full form: at most 64 bytes, so the same
	 * under every key strategy.
	 */
	static String defaultKey(Method method) {
		String parameters = Arrays.stream(method.getParameterTypes())
			.map(Class::getTypeName)
			.collect(Collectors.joining(","));
		String className = method.getDeclaringClass().getName();
		String signature = className + "." + method.getName() + "(" + parameters + ")";
		byte[] bytes = signature.getBytes(StandardCharsets.UTF_8);
		if (bytes.length <= DlmNames.MAX_RESOURCE_NAME_LENGTH) {
			return signature;
		}
		String readable = className.substring(className.lastIndexOf('.') + 1) + "." + method.getName();
		return cut(readable, HASHED_KEY_READABLE_BYTES) + "#"
				+ HexFormat.of().formatHex(sha256(bytes)).substring(0, HASHED_KEY_HEX_DIGITS);
	}

	/** The longest start of {@code text} whose UTF-8 fits in {@code maxBytes}, whole characters only. */
	private static String cut(String text, int maxBytes) {
		CharBuffer rest = CharBuffer.wrap(text);
		// stops before the first character whose bytes do not all fit; replaces as getBytes does
		StandardCharsets.UTF_8.newEncoder()
			.onMalformedInput(CodingErrorAction.REPLACE)
			.encode(rest, ByteBuffer.allocate(maxBytes), true);
		return text.substring(0, rest.position());
	}

	private static byte[] sha256(byte[] bytes) {
		try {
			return MessageDigest.getInstance("SHA-256").digest(bytes);
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("SHA-256 is required by every Java platform but is missing", ex);
		}
	}

}
