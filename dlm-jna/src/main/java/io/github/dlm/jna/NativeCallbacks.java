package io.github.dlm.jna;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import com.sun.jna.Pointer;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * The one completion callback and the one blocking callback given to libdlm for every lock
 * of the process, and the table that routes their argument back to a lock handle.
 * <p>
 * A JNA callback object that is garbage-collected while native code still holds its
 * function pointer crashes the JVM when called. Per-lock callbacks would have to outlive
 * the lock's unlock (the kernel calls the lock's last AST function for the unlock too), so
 * instead both callbacks are static singletons, referenced forever, and the callback
 * argument ({@code astarg}) is a small integer token, not a Java object address: the
 * token's handle is looked up here. A token is registered before a lock's first request
 * and removed at its final completion; a callback whose token is unknown (it cannot
 * happen unless the kernel misbehaves) is logged and ignored.
 * <p>
 * Both are handed to the direct-mapped {@code dlm_ls_lock} ({@link LibDlmDirect}) as
 * callback objects, so JNA makes direct callbacks of them. The kernel needs a completion
 * function and queues blocking callbacks only for locks that name a blocking function, but
 * as the backend reads results from the descriptor itself ({@link DlmDispatcher}), neither
 * is called in practice: results are routed by their token with {@link #lookup(long, String)}.
 * They stay for whoever calls libdlm's {@code dlm_dispatch} on the descriptor.
 */
final class NativeCallbacks {

	private static final Log logger = LogFactory.getLog(NativeCallbacks.class);

	private static final Map<Long, NativeLockHandle> handles = new ConcurrentHashMap<>();

	private static final AtomicLong nextToken = new AtomicLong();

	/** The completion callback (AST) of every lock. */
	static final LibDlm.AstCallback AST = NativeCallbacks::completion;

	/** The blocking callback (BAST) of every lock that has a blocking listener. */
	static final LibDlm.AstCallback BAST = NativeCallbacks::blocking;

	private NativeCallbacks() {
	}

	/**
	 * Registers a handle.
	 * @param handle the handle
	 * @return its token, never 0 (libdlm treats a {@code NULL} unlock argument as "keep the lock's")
	 */
	static long register(NativeLockHandle handle) {
		long token = nextToken.incrementAndGet();
		handles.put(token, handle);
		return token;
	}

	/**
	 * Removes a handle's token; later callbacks carrying it are ignored.
	 * @param token the token
	 */
	static void unregister(long token) {
		handles.remove(token);
	}

	/**
	 * The number of registered handles, for leak checks.
	 * @return the count
	 */
	static int registeredCount() {
		return handles.size();
	}

	/**
	 * The native callback argument for a token. A plain {@link Pointer} (never dereferenced,
	 * only passed through libdlm as {@code astarg}) rather than
	 * {@link Pointer#createConstant}, whose opaque pointer formats an error message string
	 * at construction: this runs on every request.
	 * @param token the token
	 * @return a pointer whose value is the token
	 */
	static Pointer argument(long token) {
		return new Pointer(token);
	}

	private static void completion(@Nullable Pointer astarg) {
		// Only libdlm's dlm_dispatch calls this, which the backend does not use: the
		// completion's result went to a status block nobody reads.
		logger.warn("Ignoring a DLM completion delivered through dlm_dispatch for token " + Pointer.nativeValue(astarg)
				+ ": the native backend reads completions from the lockspace descriptor itself");
	}

	private static void blocking(@Nullable Pointer astarg) {
		NativeLockHandle handle = lookup(astarg, "blocking");
		if (handle != null) {
			try {
				handle.onBlocking();
			}
			catch (Throwable ex) {
				logger.error("DLM blocking callback listener of " + handle + " failed", ex);
			}
		}
	}

	private static @Nullable NativeLockHandle lookup(@Nullable Pointer astarg, String kind) {
		return lookup(Pointer.nativeValue(astarg), kind);
	}

	/**
	 * The handle a result's token names.
	 * @param token the token ({@code user_astparam})
	 * @param kind what the result is, for the warning about an unknown token
	 * @return the handle, or {@code null} (logged) if the token is unknown
	 */
	static @Nullable NativeLockHandle lookup(long token, String kind) {
		NativeLockHandle handle = handles.get(token);
		if (handle == null && logger.isWarnEnabled()) {
			logger.warn("Ignoring a DLM " + kind + " callback for unknown token " + token);
		}
		return handle;
	}

}
