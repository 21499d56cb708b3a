package io.github.dlm.core;

/**
 * What one lockspace handle's dispatcher has done so far: the thread that delivers its
 * completions and blocking callbacks. A read-only snapshot; the counts only grow.
 *
 * @param lockspace the lockspace name
 * @param threadName the dispatcher thread's name
 * @param alive whether the dispatcher thread is running
 * @param idle whether nothing read or queued waits for delivery and no callback runs now
 * @param completions completions delivered, on any thread
 * @param blockingCallbacks blocking callbacks delivered
 * @param callerCompletions of the completions, those delivered on the thread that made or
 * waits for the request rather than on the dispatcher thread (native: caller dispatch;
 * local: completions known at once)
 * @param callbackNanos total time the dispatcher thread spent delivering, in nanoseconds
 * (listeners and the actions that depend on completed futures)
 */
public record DlmDispatcherStats(String lockspace, String threadName, boolean alive, boolean idle, long completions,
		long blockingCallbacks, long callerCompletions, long callbackNanos) {
}
