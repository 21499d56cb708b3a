package io.github.dlm.autoconfigure;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

import io.github.dlm.core.DlmMode;
import io.github.dlm.core.DlmNames;
import io.github.dlm.core.LockspaceOptions;
import io.github.dlm.lock.DlmLockRegistry;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;

/**
 * Configuration of the DLM starter, under the prefix {@code dlm}.
 * <p>
 * Setters check their value, so a bad value fails start-up with an
 * {@link InvalidConfigurationPropertyValueException} that names the property, such as
 * {@code dlm.lockspace.name}, and says what is valid. Values that cannot be converted at all
 * (an unknown backend or mode, permissions that are not octal) fail in the binder, which
 * names the property too.
 */
@ConfigurationProperties("dlm")
public class DlmProperties {

	/**
	 * Which engine backs the locks: 'auto' uses the kernel DLM when it can be used here and
	 * otherwise the in-process local engine (logging one WARN line that says why); 'native'
	 * requires the kernel DLM and fails start-up with the cause when it cannot be used;
	 * 'local' always uses the in-process engine (locks shared within this JVM only).
	 */
	private DlmBackend backend = DlmBackend.AUTO;

	/**
	 * Lock mode of the locks that the lock registry's obtain(key) returns: NL, CR, CW, PR,
	 * PW or EX. @DlmLocked methods use the annotation's own mode attribute (EX unless set).
	 */
	private DlmMode defaultMode = DlmMode.EX;

	private final Lockspace lockspace = new Lockspace();

	private final Native nativeBackend = new Native();

	private final Dispatcher dispatcher = new Dispatcher();

	private final Caching caching = new Caching();

	private final Registry registry = new Registry();

	private final Annotation annotation = new Annotation();

	public DlmBackend getBackend() {
		return this.backend;
	}

	public void setBackend(DlmBackend backend) {
		this.backend = backend;
	}

	public DlmMode getDefaultMode() {
		return this.defaultMode;
	}

	public void setDefaultMode(DlmMode defaultMode) {
		this.defaultMode = defaultMode;
	}

	public Lockspace getLockspace() {
		return this.lockspace;
	}

	/**
	 * Settings of the native backend, bound from {@code dlm.native.*}.
	 * @return the native settings
	 */
	public Native getNative() {
		return this.nativeBackend;
	}

	public Dispatcher getDispatcher() {
		return this.dispatcher;
	}

	/**
	 * Node-level lock caching, bound from {@code dlm.caching.*}.
	 * @return the caching settings
	 */
	public Caching getCaching() {
		return this.caching;
	}

	public Registry getRegistry() {
		return this.registry;
	}

	public Annotation getAnnotation() {
		return this.annotation;
	}

	/**
	 * The lockspace all locks of the application live in.
	 */
	public static class Lockspace {

		/**
		 * Name of the lockspace: 1..19 characters from [A-Za-z0-9_-] (it becomes the device
		 * /dev/misc/dlm_<name>). Every process on every node that uses the same name shares
		 * the same locks. Defaults to spring.application.name with other characters replaced
		 * by '-' (and shortened with a hash suffix when longer than 19), or 'spring' when no
		 * application name is set.
		 */
		private @Nullable String name;

		/**
		 * Whether to create the lockspace when it does not exist yet. On the native backend
		 * creating needs CAP_SYS_ADMIN and a running dlm_controld; without them, create it
		 * beforehand (e.g. with dlm_tool) and set this to false.
		 */
		private boolean create = true;

		/**
		 * Permission bits, in octal like chmod, of the lockspace device when this process
		 * creates it: '0600' lets only the same user open it, '0660' its group too. Quote the
		 * value in YAML or write it with a leading zero (0600).
		 */
		private LockspacePermissions permissions = LockspacePermissions.OWNER_READ_WRITE;

		/**
		 * Whether to release the lockspace on shutdown (drop this node's reference to it in
		 * the cluster) rather than only closing this process's handle. Releasing removes the
		 * lockspace from this node when no other process uses it.
		 */
		private boolean releaseOnShutdown = false;

		/**
		 * Whether a lockspace this process creates asks for no resource directory
		 * (DLM_LSFL_NODIR): each resource is mastered by the node its name hashes to. All
		 * nodes must agree. Current kernels take the directory mode from dlm_controld's
		 * configuration rather than from this flag (see the README); the local backend
		 * ignores it.
		 */
		private boolean noDirectory = false;

		public @Nullable String getName() {
			return this.name;
		}

		public void setName(@Nullable String name) {
			if (name != null) {
				try {
					DlmNames.checkLockspaceName(name);
				}
				catch (IllegalArgumentException ex) {
					throw new InvalidConfigurationPropertyValueException("dlm.lockspace.name", name, ex.getMessage());
				}
			}
			this.name = name;
		}

		public boolean isCreate() {
			return this.create;
		}

		public void setCreate(boolean create) {
			this.create = create;
		}

		public LockspacePermissions getPermissions() {
			return this.permissions;
		}

		public void setPermissions(LockspacePermissions permissions) {
			this.permissions = permissions;
		}

		public boolean isReleaseOnShutdown() {
			return this.releaseOnShutdown;
		}

		public void setReleaseOnShutdown(boolean releaseOnShutdown) {
			this.releaseOnShutdown = releaseOnShutdown;
		}

		public boolean isNoDirectory() {
			return this.noDirectory;
		}

		public void setNoDirectory(boolean noDirectory) {
			this.noDirectory = noDirectory;
		}

		/**
		 * The options to open the lockspace with.
		 * @return create, permissions, release-on-shutdown and no-directory as
		 * {@link LockspaceOptions}
		 */
		public LockspaceOptions toOptions() {
			return new LockspaceOptions(this.create, this.permissions.bits(), this.releaseOnShutdown, this.noDirectory);
		}

	}

	/**
	 * Settings of the native backend.
	 */
	public static class Native {

		/**
		 * Path of the libdlm shared library to load instead of looking up 'libdlm.so.3' on
		 * the library path, e.g. /usr/lib/x86_64-linux-gnu/libdlm.so.3.
		 */
		private @Nullable String libraryPath;

		public @Nullable String getLibraryPath() {
			return this.libraryPath;
		}

		public void setLibraryPath(@Nullable String libraryPath) {
			if (libraryPath != null && libraryPath.isBlank()) {
				throw new InvalidConfigurationPropertyValueException("dlm.native.library-path", libraryPath,
						"The library path must not be blank; leave it unset to look up libdlm.so.3");
			}
			this.libraryPath = libraryPath;
		}

	}

	/**
	 * The thread that delivers lock completions and blocking callbacks.
	 */
	public static class Dispatcher {

		/**
		 * Name prefix of the dispatcher threads that deliver lock completions and blocking
		 * callbacks, shown in thread dumps and log lines; the native backend appends the
		 * lockspace name.
		 */
		private String threadName = "dlm-dispatch-";

		public String getThreadName() {
			return this.threadName;
		}

		public void setThreadName(String threadName) {
			if (threadName == null || threadName.isBlank()) {
				throw new InvalidConfigurationPropertyValueException("dlm.dispatcher.thread-name", threadName,
						"The dispatcher thread name must not be blank");
			}
			this.threadName = threadName;
		}

	}

	/**
	 * Node-level lock caching of the native backend: one kernel DLM lock per resource per
	 * lockspace, this node's holders arbitrated in memory, and the kernel lock kept after
	 * the last local release until another node wants it.
	 */
	public static class Caching {

		/**
		 * Whether the native backend caches locks at node level. Turn it off to make the
		 * kernel's lock dump ({@code dlm_tool lockdebug}) show only locks that are held.
		 */
		private boolean enabled = true;

		/**
		 * How long a cached lock that no local holder uses is kept before it is released, so
		 * that the kernel's lock count stays bounded.
		 */
		private Duration releaseIdleAfter = Duration.ofSeconds(30);

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public Duration getReleaseIdleAfter() {
			return this.releaseIdleAfter;
		}

		public void setReleaseIdleAfter(Duration releaseIdleAfter) {
			if (releaseIdleAfter == null || releaseIdleAfter.isNegative() || releaseIdleAfter.isZero()) {
				throw new InvalidConfigurationPropertyValueException("dlm.caching.release-idle-after", releaseIdleAfter,
						"The idle time of cached locks must be positive");
			}
			this.releaseIdleAfter = releaseIdleAfter;
		}

	}

	/**
	 * The lock registries.
	 */
	public static class Registry {

		/**
		 * Time after which cached lock objects that have been neither obtained nor locked
		 * are dropped, checked at the same interval (e.g. 10m; at least 1ms). When unset, lock
		 * objects stay until the cache capacity evicts them (or the application stops, for
		 * those that keep a published value block alive). Locks that are held are never
		 * dropped.
		 */
		private @Nullable Duration expireUnusedAfter;

		/**
		 * Maximum number of lock objects each lock registry caches beyond those in use (at
		 * least 1). When a new key takes the cache above it, the least recently obtained
		 * objects that no thread holds or waits for are evicted, down to 7/8 of it. An evicted
		 * key gets a new object on its next use, which costs one small allocation; a cached
		 * object takes about 300 bytes plus its key.
		 */
		private int cacheCapacity = DlmLockRegistry.DEFAULT_CACHE_CAPACITY;

		/**
		 * How lock keys become DLM resource names (1..64 bytes): 'utf8' uses the key's text
		 * and refuses longer keys with an error; 'hash-long-keys' replaces keys longer than
		 * 64 bytes with a SHA-256 digest (never truncating, which would merge locks).
		 */
		private KeyStrategy keyStrategy = KeyStrategy.UTF8;

		/**
		 * Whether to keep published lock value blocks alive while nobody holds the lock: a
		 * lock object through which a value was published keeps an NL lock on the resource
		 * until the object expires (expire-unused-after) or the application stops. When
		 * false, the DLM forgets a value as soon as the last lock on the resource in the
		 * cluster is released.
		 */
		private boolean retainValueBlocks = true;

		/**
		 * Time a lock may be held before a WARN is logged naming its key, mode and holder,
		 * how long it has been held, whether others wait for it, and the holding thread's
		 * stack: once per hold, checked every half of it (at most every 10s). The health
		 * indicator lists such holds too. DLM locks never expire, so a holder that hangs
		 * stalls every request for the lock in the cluster; set it above the longest hold the
		 * application means to make, or 0 to disable.
		 */
		private Duration warnHeldLongerThan = Duration.ofMinutes(5);

		private final FencingTokens fencingTokens = new FencingTokens();

		public Duration getWarnHeldLongerThan() {
			return this.warnHeldLongerThan;
		}

		public void setWarnHeldLongerThan(Duration warnHeldLongerThan) {
			if (warnHeldLongerThan == null || warnHeldLongerThan.isNegative()) {
				throw new InvalidConfigurationPropertyValueException("dlm.registry.warn-held-longer-than",
						warnHeldLongerThan, "The time must be positive, such as 5m, or 0 to disable the warning");
			}
			this.warnHeldLongerThan = warnHeldLongerThan;
		}

		public FencingTokens getFencingTokens() {
			return this.fencingTokens;
		}

		public boolean isRetainValueBlocks() {
			return this.retainValueBlocks;
		}

		public void setRetainValueBlocks(boolean retainValueBlocks) {
			this.retainValueBlocks = retainValueBlocks;
		}

		public KeyStrategy getKeyStrategy() {
			return this.keyStrategy;
		}

		public void setKeyStrategy(KeyStrategy keyStrategy) {
			this.keyStrategy = keyStrategy;
		}

		public @Nullable Duration getExpireUnusedAfter() {
			return this.expireUnusedAfter;
		}

		public void setExpireUnusedAfter(@Nullable Duration expireUnusedAfter) {
			if (expireUnusedAfter != null) {
				checkExpireUnusedAfter(expireUnusedAfter);
			}
			this.expireUnusedAfter = expireUnusedAfter;
		}

		private static void checkExpireUnusedAfter(Duration age) {
			String property = "dlm.registry.expire-unused-after";
			if (age.compareTo(Duration.ofMillis(1)) < 0) {
				throw new InvalidConfigurationPropertyValueException(property, age, "The age must be at least 1ms "
						+ "(lock objects expire in whole milliseconds), such as 10m; leave it unset to keep lock "
						+ "objects until the cache capacity evicts them");
			}
			try {
				age.toMillis();
			}
			catch (ArithmeticException ex) {
				throw new InvalidConfigurationPropertyValueException(property, age, "The age is too long to count in "
						+ "milliseconds; leave it unset to keep lock objects until the cache capacity evicts them");
			}
		}

		public int getCacheCapacity() {
			return this.cacheCapacity;
		}

		public void setCacheCapacity(int cacheCapacity) {
			if (cacheCapacity < 1) {
				throw new InvalidConfigurationPropertyValueException("dlm.registry.cache-capacity", cacheCapacity,
						"The capacity must be at least 1, such as " + DlmLockRegistry.DEFAULT_CACHE_CAPACITY
								+ "; set " + Integer.MAX_VALUE + " for an unbounded cache");
			}
			this.cacheCapacity = cacheCapacity;
		}

	}

	/**
	 * Fencing tokens of the lock registries ({@code dlm.registry.fencing-tokens.*}).
	 */
	public static class FencingTokens {

		/**
		 * Whether each grant of a lock in PW or EX gets a fencing token (DlmLock.fencingToken(),
		 * DlmLockedContext.currentFencingToken()): a number greater than that of every earlier
		 * grant of the same key, for the resource it protects to refuse writes from a holder
		 * that was superseded. Costs two more round trips to the lock manager per such grant
		 * and an NL lock per key on a companion resource.
		 */
		private boolean enabled;

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

	}

	/**
	 * How lock keys become resource names ({@code dlm.registry.key-strategy}).
	 */
	public enum KeyStrategy {

		/** The key's text as UTF-8; keys longer than 64 bytes are refused. */
		UTF8,

		/** The key's text as UTF-8; keys longer than 64 bytes become a SHA-256 digest. */
		HASH_LONG_KEYS

	}

	/**
	 * The {@code @DlmLocked} annotation support.
	 */
	public static class Annotation {

		/**
		 * Whether to run methods annotated with @DlmLocked under their lock. When false, the
		 * annotation is ignored (no advisor, no proxies).
		 */
		private boolean enabled = true;

		/**
		 * Name of this node in the run records of @DlmLocked methods with a minInterval,
		 * which say where a job last ran. Defaults to the host name; at most the first 16
		 * bytes are kept.
		 */
		private @Nullable String nodeName;

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public @Nullable String getNodeName() {
			return this.nodeName;
		}

		public void setNodeName(@Nullable String nodeName) {
			this.nodeName = nodeName;
		}

	}

}
