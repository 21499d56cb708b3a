package io.github.dlm.test;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

import io.github.dlm.core.DlmClient;
import io.github.dlm.core.DlmMode;
import io.github.dlm.core.DlmResourceName;
import io.github.dlm.local.LocalDlmClient;
import io.github.dlm.local.LocalLockInfo;
import io.github.dlm.lock.DlmLockRegistries;

/**
 * A test's view of the DLM locks of an application running on the local engine (see
 * {@link AutoConfigureDlm}): which keys are held or waited for, in which modes, by anyone
 * (the application or a {@linkplain #otherNode() played node}), and other nodes to play.
 * <p>
 * Keys are mapped to resources as the application's registry maps them, so the same key
 * object names the same lock. NL locks hold nothing (they keep value blocks alive and probe
 * health), so {@link #isHeld(Object)} ignores them.
 */
public final class DlmTestLocks implements AutoCloseable {

	private final LocalDlmClient engine;

	private final DlmLockRegistries registries;

	private final List<DlmTestNode> nodes = new CopyOnWriteArrayList<>();

	/**
	 * Creates the view.
	 * @param client the application's backend, which must be the local engine
	 * @param registries the application's registries
	 * @throws IllegalStateException if the backend is not the local engine
	 */
	public DlmTestLocks(DlmClient client, DlmLockRegistries registries) {
		if (!(client instanceof LocalDlmClient local)) {
			throw new IllegalStateException("DlmTestLocks needs the local engine, but the application runs on the "
					+ client.backendName() + " backend: annotate the test with @AutoConfigureDlm or set dlm.backend=local");
		}
		this.engine = local;
		this.registries = registries;
	}

	/**
	 * The modes in which a key of the default lockspace is granted now, one per lock.
	 * @param key the key, as the application passes it to the registry or {@code @DlmLocked}
	 * @return the granted modes, empty when nobody holds the key
	 */
	public List<DlmMode> grantedModes(Object key) {
		return grantedModes(this.registries.getDefaultLockspace(), key);
	}

	/**
	 * The modes in which a key of a lockspace is granted now, one per lock.
	 * @param lockspace the lockspace
	 * @param key the key
	 * @return the granted modes
	 */
	public List<DlmMode> grantedModes(String lockspace, Object key) {
		return locks(lockspace, key, (lock) -> lock.queue() != LocalLockInfo.Queue.WAITING).stream()
			.map(LocalLockInfo::grantedMode)
			.filter(Objects::nonNull)
			.toList();
	}

	/**
	 * The modes that requests for a key of the default lockspace wait for now (new requests
	 * and conversions).
	 * @param key the key
	 * @return the modes waited for, empty when nobody waits
	 */
	public List<DlmMode> waitingModes(Object key) {
		return locks(this.registries.getDefaultLockspace(), key, (lock) -> lock.requestedMode() != null).stream()
			.map(LocalLockInfo::requestedMode)
			.filter(Objects::nonNull)
			.toList();
	}

	/**
	 * Whether anyone holds a key of the default lockspace in a mode above NL.
	 * @param key the key
	 * @return {@code true} if held
	 */
	public boolean isHeld(Object key) {
		return grantedModes(key).stream().anyMatch((mode) -> mode != DlmMode.NL);
	}

	/**
	 * Whether anyone holds a key of the default lockspace in the given mode.
	 * @param key the key
	 * @param mode the mode
	 * @return {@code true} if a lock on the key is granted in exactly this mode
	 */
	public boolean isHeld(Object key, DlmMode mode) {
		return grantedModes(key).contains(mode);
	}

	/**
	 * Whether a request for a key of the default lockspace waits.
	 * @param key the key
	 * @return {@code true} if a request or conversion waits
	 */
	public boolean isWaitedFor(Object key) {
		return !waitingModes(key).isEmpty();
	}

	/**
	 * Another node on the default lockspace: its requests compete with the application's
	 * as another process's would, and make the application's holders get blocking
	 * callbacks. Closed (its locks released) when the test context closes, or by
	 * {@link DlmTestNode#close()}.
	 * @return a new node
	 */
	public DlmTestNode otherNode() {
		return otherNode(this.registries.getDefaultLockspace());
	}

	/**
	 * Another node on a lockspace.
	 * @param lockspace the lockspace
	 * @return a new node
	 */
	public DlmTestNode otherNode(String lockspace) {
		DlmTestNode node = new DlmTestNode(this.engine, lockspace, this.registries.registry(lockspace));
		this.nodes.add(node);
		return node;
	}

	/**
	 * Closes the nodes played.
	 */
	@Override
	public void close() {
		this.nodes.forEach(DlmTestNode::close);
		this.nodes.clear();
	}

	private List<LocalLockInfo> locks(String lockspace, Object key, Predicate<LocalLockInfo> filter) {
		String resource = DlmResourceName.printable(this.registries.registry(lockspace).toResourceName(key));
		return this.engine.dump(lockspace).stream().filter((lock) -> lock.resource().equals(resource)).filter(filter).toList();
	}

	@Override
	public String toString() {
		return "DlmTestLocks on " + this.engine + " (default lockspace '" + this.registries.getDefaultLockspace() + "')";
	}

}
