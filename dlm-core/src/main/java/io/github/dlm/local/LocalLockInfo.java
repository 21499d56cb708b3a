package io.github.dlm.local;

import io.github.dlm.core.DlmMode;
import org.jspecify.annotations.Nullable;

/**
 * One lock as {@link LocalDlmClient#dump(String)} shows it, the analogue of a line of the
 * kernel's lock dump ({@code dlm_tool lockdebug}).
 *
 * @param resource the resource name, as text when printable, else in hex
 * @param lockId the lock id, unique within the lockspace
 * @param owner the id of the lockspace handle that owns the lock
 * ({@link LocalLockspace#handleId()})
 * @param grantedMode the granted mode, {@code null} while never granted
 * @param requestedMode the mode of the conversion or request waiting, {@code null} if none
 * @param queue the queue the lock is on
 */
public record LocalLockInfo(String resource, int lockId, int owner, @Nullable DlmMode grantedMode,
		@Nullable DlmMode requestedMode, Queue queue) {

	/**
	 * The three queues of a resource.
	 */
	public enum Queue {

		/** Granted locks. */
		GRANTED,

		/** Granted locks waiting for a conversion. */
		CONVERTING,

		/** New requests waiting for their first grant. */
		WAITING

	}

}
