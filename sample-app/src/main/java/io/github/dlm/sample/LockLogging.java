package io.github.dlm.sample;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import io.github.dlm.lock.DlmLockBlockingListener;

import org.springframework.stereotype.Component;

/**
 * Logs the DLM's blocking callbacks at DEBUG: a lock held here is making another request
 * wait. The starter hands this bean to its lock registries. The callback comes on the
 * thread that delivers lock completions, so its line may come before the holder's own
 * "acquired" line, though the grant came first.
 */
@Component
class LockLogging implements DlmLockBlockingListener {

	private static final Log logger = LogFactory.getLog(LockLogging.class);

	@Override
	public void blocking(io.github.dlm.lock.DlmLock lock, Object key, Thread holder) {
		logger.debug("lock " + key + " held by " + holder.getName() + " is blocking another request");
	}

}
