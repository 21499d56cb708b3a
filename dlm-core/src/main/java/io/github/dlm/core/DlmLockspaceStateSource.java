package io.github.dlm.core;

/**
 * Reads the {@linkplain DlmLockspaceCondition condition} of lockspaces on this node from
 * the lock manager's own signals: the service provider interface behind
 * {@link DlmLockspace#condition()}. Implementations read what is cheap to read (a file, a
 * field), so that a caller may poll them every second; they must not wait for the lock
 * manager to answer a request, since a lockspace in doubt answers none.
 */
@FunctionalInterface
public interface DlmLockspaceStateSource {

	/**
	 * Reads the condition of a lockspace now.
	 * @param lockspace the lockspace name
	 * @return its condition on this node
	 */
	DlmLockspaceCondition read(String lockspace);

}
