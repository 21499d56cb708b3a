package io.github.dlm.endpoint;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import org.jspecify.annotations.Nullable;

import io.github.dlm.caching.CachedLock;
import io.github.dlm.caching.CachingLockspace;
import io.github.dlm.core.DlmDispatcherStats;
import io.github.dlm.core.DlmLockspaceCondition;
import io.github.dlm.lock.DlmHoldInfo;
import io.github.dlm.lock.DlmLockRegistries;
import io.github.dlm.lock.DlmLockRegistry;

import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;

/**
 * The {@code dlm} actuator endpoint ({@code /actuator/dlm}), read-only: the backend, each
 * lockspace this process has open with its condition (running, or in recovery, without
 * quorum or left: the locks held there in doubt), and the locks it holds there (key, resource, mode, owner,
 * since when, whether the lock manager told it that others wait). When the kernel's lock dump
 * of a lockspace is readable (debugfs, root), its lines come too: the holders and waiters of
 * every node for the resources this node knows. {@code /actuator/dlm/{lockspace}} shows one
 * lockspace.
 */
@Endpoint(id = "dlm")
public class DlmEndpoint {

	/** Where the kernel DLM's debugfs files are. */
	public static final Path KERNEL_DEBUG_DIRECTORY = Path.of("/sys/kernel/debug/dlm");

	static final int MAX_KERNEL_LINES = 1000;

	private final DlmLockRegistries registries;

	private final Path kernelDebugDirectory;

	/**
	 * Creates the endpoint.
	 * @param registries the registries whose lockspaces and holds it shows
	 */
	public DlmEndpoint(DlmLockRegistries registries) {
		this(registries, KERNEL_DEBUG_DIRECTORY);
	}

	DlmEndpoint(DlmLockRegistries registries, Path kernelDebugDirectory) {
		this.registries = registries;
		this.kernelDebugDirectory = kernelDebugDirectory;
	}

	/**
	 * Everything.
	 * @return the backend and every open lockspace
	 */
	@ReadOperation
	public DlmDescriptor dlm() {
		Map<String, LockspaceDescriptor> lockspaces = new TreeMap<>();
		this.registries.getOpenRegistries().forEach((name, registry) -> lockspaces.put(name, describe(registry)));
		return new DlmDescriptor(this.registries.getClient().backendName(), this.registries.getDefaultLockspace(),
				lockspaces, this.registries.getClient().dispatchers());
	}

	/**
	 * One lockspace.
	 * @param lockspace its name
	 * @return the lockspace, or {@code null} (404) if this process does not have it open
	 */
	@ReadOperation
	public @Nullable LockspaceDescriptor lockspace(@Selector String lockspace) {
		DlmLockRegistry registry = this.registries.getOpenRegistries().get(lockspace);
		return (registry != null) ? describe(registry) : null;
	}

	private LockspaceDescriptor describe(DlmLockRegistry registry) {
		String name = registry.getLockspace().name();
		List<HoldDescriptor> holds = registry.getHolds().stream().map(HoldDescriptor::new).toList();
		DlmLockspaceCondition condition = registry.getLockspaceCondition();
		return new LockspaceDescriptor(condition.state().name(), condition.cause(), registry.getDefaultMode().name(),
				registry.isRetainValueBlocks(), registry.isFencingTokens(), holds, kernelLocks(name),
				(registry.getLockspace() instanceof CachingLockspace caching) ? caching.cachedLocks() : null);
	}

	private @Nullable List<String> kernelLocks(String lockspace) {
		Path dump = this.kernelDebugDirectory.resolve(lockspace + "_locks");
		if (!Files.isReadable(dump)) {
			return null;
		}
		try (Stream<String> lines = Files.lines(dump)) {
			return lines.limit(MAX_KERNEL_LINES).toList();
		}
		catch (IOException | UncheckedIOException ex) {
			return List.of("unreadable: " + ex.getMessage());
		}
	}

	/**
	 * The endpoint's answer.
	 *
	 * @param backend {@code native} or {@code local}
	 * @param defaultLockspace the lockspace {@code @DlmLocked} and the default registry use
	 * @param lockspaces the lockspaces this process has open, by name
	 * @param dispatchers what the dispatcher of each open lockspace handle has delivered
	 */
	public record DlmDescriptor(String backend, String defaultLockspace, Map<String, LockspaceDescriptor> lockspaces,
			List<DlmDispatcherStats> dispatchers) {
	}

	/**
	 * One lockspace.
	 *
	 * @param state its condition on this node: {@code RUNNING}, or {@code RECOVERING},
	 * {@code NO_QUORUM}, {@code LEFT} while the locks held there are in doubt
	 * @param cause what the lock manager showed
	 * @param defaultMode the mode of {@code obtain(key)}
	 * @param retainValueBlocks whether published value blocks are kept by NL anchors
	 * @param fencingTokens whether PW/EX grants get fencing tokens
	 * @param holds the locks this process holds there
	 * @param kernelLocks the kernel's lock dump of the lockspace (debugfs
	 * {@code <name>_locks}, at most 1000 lines), or {@code null} when it is not readable here
	 * (the local backend, debugfs not mounted, not root)
	 * @param cachedLocks the node locks of node-level caching (resource, the mode the node
	 * holds, local holders and waiters, whether another node asked for it), {@code null} when
	 * the lockspace is not cached
	 */
	public record LockspaceDescriptor(String state, String cause, String defaultMode, boolean retainValueBlocks, boolean fencingTokens,
			List<HoldDescriptor> holds, @Nullable List<String> kernelLocks, @Nullable List<CachedLock> cachedLocks) {
	}

	/**
	 * One lock held by this process.
	 *
	 * @param key the key it was taken with (long keys shortened)
	 * @param resource the resource name, printable
	 * @param mode the mode held
	 * @param owner {@code thread 'name'} or {@code async}
	 * @param since when it was granted
	 * @param heldFor how long it had been held when read
	 * @param blockingOthers whether the lock manager told it that another request waits for it
	 */
	public record HoldDescriptor(String key, String resource, String mode, String owner, Instant since, Duration heldFor,
			boolean blockingOthers) {

		HoldDescriptor(DlmHoldInfo hold) {
			this(hold.key(), hold.resource(), hold.mode().name(), hold.owner(), hold.since(), hold.heldFor(),
					hold.isBlockingOthers());
		}

	}

}
