package io.github.dlm.local;

import io.github.dlm.core.DlmCompletion;
import io.github.dlm.core.DlmFlag;
import io.github.dlm.core.DlmStatusFlag;

/**
 * When the value block moves between a lock and its resource, after the kernel's
 * {@code dlm_lvb_operations} table, {@code set_lvb_lock} and {@code set_lvb_unlock}.
 */
final class ValueBlockRules {

	private static final int NOTHING = -1;

	private static final int WRITE = 0;

	private static final int READ = 1;

	/** OPERATIONS[granted + 1][requested]: granted mode IV (a new lock) is row 0. */
	private static final int[][] OPERATIONS = {
			/*         NL       CR       CW       PR       PW       EX */
			/* IV */ { READ, READ, READ, READ, READ, READ },
			/* NL */ { READ, READ, READ, READ, READ, READ },
			/* CR */ { NOTHING, READ, READ, READ, READ, READ },
			/* CW */ { NOTHING, NOTHING, READ, READ, READ, READ },
			/* PR */ { NOTHING, NOTHING, NOTHING, READ, READ, READ },
			/* PW */ { WRITE, WRITE, WRITE, WRITE, WRITE, READ },
			/* EX */ { WRITE, WRITE, WRITE, WRITE, WRITE, WRITE } };

	private ValueBlockRules() {
	}

	/**
	 * Applies a grant of {@code lock.requestedMode} to the value blocks, before the granted
	 * mode changes.
	 */
	static void onGrant(Resource resource, LockBlock lock) {
		int operation = OPERATIONS[lock.grantedMode + 1][lock.requestedMode];
		if (operation == READ) {
			if (lock.valueBlock == null || !lock.has(DlmFlag.VALBLK)) {
				return;
			}
			// the caller gets its lock buffer back even when the resource has no value block yet
			lock.valueBlockRead = true;
			if (resource.valueBlock == null) {
				return;
			}
			System.arraycopy(resource.valueBlock, 0, lock.valueBlock, 0, DlmCompletion.VALUE_BLOCK_LENGTH);
		}
		else if (operation == WRITE) {
			if (lock.has(DlmFlag.IVVALBLK)) {
				resource.valueBlockInvalid = true;
				return;
			}
			if (!write(resource, lock)) {
				return;
			}
		}
		if (resource.valueBlockInvalid) {
			lock.statusFlags.add(DlmStatusFlag.VALNOTVALID);
		}
	}

	/**
	 * Applies an unlock to the resource value block: only a lock held in PW or EX, last
	 * requested with VALBLK, writes it (or invalidates it with IVVALBLK).
	 */
	static void onUnlock(Resource resource, LockBlock lock) {
		if (lock.grantedMode < Modes.PW) {
			return;
		}
		if (lock.has(DlmFlag.IVVALBLK)) {
			resource.valueBlockInvalid = true;
			return;
		}
		write(resource, lock);
	}

	private static boolean write(Resource resource, LockBlock lock) {
		if (lock.valueBlock == null || !lock.has(DlmFlag.VALBLK)) {
			return false;
		}
		if (resource.valueBlock == null) {
			resource.valueBlock = new byte[DlmCompletion.VALUE_BLOCK_LENGTH];
		}
		System.arraycopy(lock.valueBlock, 0, resource.valueBlock, 0, DlmCompletion.VALUE_BLOCK_LENGTH);
		resource.valueBlockInvalid = false;
		return true;
	}

}
