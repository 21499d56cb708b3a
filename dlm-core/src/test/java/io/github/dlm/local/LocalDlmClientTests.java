package io.github.dlm.local;

import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import io.github.dlm.core.DlmCompletion;
import io.github.dlm.core.DlmFlag;
import io.github.dlm.core.DlmLockHandle;
import io.github.dlm.core.DlmLockspaceNotFoundException;
import io.github.dlm.core.DlmMode;
import io.github.dlm.core.DlmResourceName;
import io.github.dlm.core.DlmStatus;
import io.github.dlm.core.LockspaceOptions;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static io.github.dlm.local.Completions.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What only the local backend has: the lock dump, its lockspace registry, its callback
 * threads and when it delivers a completion on the caller's thread.
 */
class LocalDlmClientTests {

	private static final DlmResourceName R = DlmResourceName.of("resource");

	/** How long anything that must happen may take; generous, never a speed assertion. */
	private static final long TIMEOUT_SECONDS = 30;

	private final LocalDlmClient client = new LocalDlmClient("test-dlm-");

	@AfterEach
	void close() {
		this.client.close();
	}

	@Test
	void backendNameIsLocal() {
		assertThat(this.client.backendName()).isEqualTo("local");
	}

	@Test
	void dispatchersCountWhatTheyDeliverAndTheCompletionsKnownAtOnce() throws Exception {
		LocalLockspace lockspace = this.client.openLockspace("stats", LockspaceOptions.DEFAULTS);
		CountDownLatch blocked = new CountDownLatch(1);
		LocalLockHandle holder = lockspace.newLock(R, (mode) -> blocked.countDown());
		await(holder.request(DlmMode.EX, Set.of(), null));
		CompletableFuture<DlmCompletion> waiting = lockspace.newLock(R, null).request(DlmMode.PR, Set.of(), null);
		assertThat(blocked.await(TIMEOUT_SECONDS, TimeUnit.SECONDS)).isTrue();
		// idle again, so that the unlock's completion is delivered at once
		Awaitility.await()
			.atMost(Duration.ofSeconds(TIMEOUT_SECONDS))
			.until(() -> this.client.dispatchers().get(0).idle());
		await(holder.unlock(null));
		assertThat(await(waiting).status()).isEqualTo(DlmStatus.GRANTED);
		Awaitility.await()
			.atMost(Duration.ofSeconds(TIMEOUT_SECONDS))
			.until(() -> this.client.dispatchers().get(0).idle());
		assertThat(this.client.dispatchers()).singleElement().satisfies((stats) -> {
			assertThat(stats.lockspace()).isEqualTo("stats");
			assertThat(stats.threadName()).isEqualTo("test-dlm-stats-" + lockspace.handleId());
			assertThat(stats.alive()).isTrue();
			// the holder's grant and unlock at once; the waiter's grant on the callback thread
			assertThat(stats.completions()).isEqualTo(3);
			assertThat(stats.callerCompletions()).isEqualTo(2);
			assertThat(stats.blockingCallbacks()).isEqualTo(1);
			assertThat(stats.callbackNanos()).isPositive();
		});
		lockspace.close();
		assertThat(this.client.dispatchers()).isEmpty();
	}

	@Test
	void dumpShowsEveryQueueWithModesAndOwners() throws Exception {
		LocalLockspace first = this.client.openLockspace("dump", LockspaceOptions.DEFAULTS);
		LocalLockspace second = this.client.openLockspace("dump", LockspaceOptions.DEFAULTS);
		LocalLockHandle holder = first.newLock(R, null);
		await(holder.request(DlmMode.PR, Set.of(), null));
		LocalLockHandle converter = second.newLock(R, null);
		await(converter.request(DlmMode.PR, Set.of(), null));
		converter.request(DlmMode.EX, Set.of(), null);
		LocalLockHandle waiter = first.newLock(R, null);
		waiter.request(DlmMode.CW, Set.of(), null);
		assertThat(this.client.dump("dump")).containsExactly(
				new LocalLockInfo("resource", holder.lockId(), first.handleId(), DlmMode.PR, null,
						LocalLockInfo.Queue.GRANTED),
				new LocalLockInfo("resource", converter.lockId(), second.handleId(), DlmMode.PR, DlmMode.EX,
						LocalLockInfo.Queue.CONVERTING),
				new LocalLockInfo("resource", waiter.lockId(), first.handleId(), null, DlmMode.CW,
						LocalLockInfo.Queue.WAITING));
	}

	@Test
	void dumpIsEmptyOnceEveryLockHasEnded() throws Exception {
		LocalLockspace ls = this.client.openLockspace("empty", LockspaceOptions.DEFAULTS);
		DlmLockHandle lock = ls.newLock(R, null);
		await(lock.request(DlmMode.EX, Set.of(), null));
		assertThat(this.client.dump("empty")).hasSize(1);
		await(lock.unlock(null));
		assertThat(this.client.dump("empty")).isEmpty();
	}

	@Test
	void demotedConversionWaitsInTheConvertQueueWithGrantedModeNl() throws Exception {
		LocalLockspace ls = this.client.openLockspace("demote", LockspaceOptions.DEFAULTS);
		LocalLockHandle first = ls.newLock(R, null);
		LocalLockHandle second = ls.newLock(R, null);
		await(first.request(DlmMode.PR, Set.of(), null));
		await(second.request(DlmMode.PR, Set.of(), null));
		CompletableFuture<DlmCompletion> firstConversion = first.request(DlmMode.EX, Set.of(), null);
		second.request(DlmMode.EX, EnumSet.of(DlmFlag.CONVDEADLK), null);
		await(firstConversion);
		assertThat(this.client.dump("demote")).contains(new LocalLockInfo("resource", second.lockId(), ls.handleId(),
				DlmMode.NL, DlmMode.EX, LocalLockInfo.Queue.CONVERTING));
	}

	@Test
	void binaryResourceNamesAreDumpedInHex() throws Exception {
		LocalLockspace ls = this.client.openLockspace("binary", LockspaceOptions.DEFAULTS);
		DlmResourceName binary = DlmResourceName.of(new byte[] { 0, 1, (byte) 0xff });
		await(ls.newLock(binary, null).request(DlmMode.NL, Set.of(), null));
		assertThat(this.client.dump("binary")).extracting(LocalLockInfo::resource).containsExactly("0x0001ff");
	}

	@Test
	void dumpOfAnUnknownLockspaceFailsWithNotFound() {
		assertThatThrownBy(() -> this.client.dump("nope")).isInstanceOf(DlmLockspaceNotFoundException.class);
	}

	@Test
	void lockspacesAreSharedWithinAClientButNotAcrossClients() throws Exception {
		LocalLockspace ls = this.client.openLockspace("shared", LockspaceOptions.DEFAULTS);
		await(ls.newLock(R, null).request(DlmMode.EX, Set.of(), null));
		try (LocalDlmClient other = new LocalDlmClient()) {
			LocalLockspace elsewhere = other.openLockspace("shared", LockspaceOptions.DEFAULTS);
			assertThat(await(elsewhere.newLock(R, null).request(DlmMode.EX, EnumSet.of(DlmFlag.NOQUEUE), null))
				.status()).isEqualTo(DlmStatus.GRANTED);
		}
		LocalLockspace sameClient = this.client.openLockspace("shared", LockspaceOptions.DEFAULTS);
		assertThat(await(sameClient.newLock(R, null).request(DlmMode.EX, EnumSet.of(DlmFlag.NOQUEUE), null))
			.status()).isEqualTo(DlmStatus.NOT_GRANTED);
	}

	@Test
	void lockspaceOutlivesItsHandlesUnlessReleasedOnClose() {
		this.client.openLockspace("kept", LockspaceOptions.DEFAULTS).close();
		this.client.openLockspace("kept", new LockspaceOptions(false, 0600, false)).close();
		this.client.openLockspace("released", new LockspaceOptions(true, 0600, true)).close();
		assertThatThrownBy(() -> this.client.openLockspace("released", new LockspaceOptions(false, 0600, false)))
			.isInstanceOf(DlmLockspaceNotFoundException.class)
			.hasMessageContaining("'released'");
	}

	@Test
	void callbackThreadsAreNamedDaemonsAndStopWhenTheHandleCloses() throws Exception {
		LocalLockspace ls = this.client.openLockspace("threads", LockspaceOptions.DEFAULTS);
		Thread thread = ls.dispatcher().thread();
		assertThat(thread.getName()).isEqualTo("test-dlm-threads-" + ls.handleId());
		assertThat(thread.isDaemon()).isTrue();
		assertThat(thread.isAlive()).isTrue();
		ls.close();
		assertThat(thread.isAlive()).isFalse();
		ls.close();
	}

	@Test
	void closingTheClientStopsEveryCallbackThreadAndRefusesNewLockspaces() {
		List<Thread> threads = List.of(this.client.openLockspace("a", LockspaceOptions.DEFAULTS).dispatcher().thread(),
				this.client.openLockspace("a", LockspaceOptions.DEFAULTS).dispatcher().thread(),
				this.client.openLockspace("b", LockspaceOptions.DEFAULTS).dispatcher().thread());
		this.client.close();
		assertThat(threads).noneMatch(Thread::isAlive);
		assertThat(Thread.getAllStackTraces().keySet()).noneMatch((t) -> t.getName().startsWith("test-dlm-"));
		assertThatIllegalStateException().isThrownBy(() -> this.client.openLockspace("c", LockspaceOptions.DEFAULTS));
	}

	@Test
	void aCallbackMayCloseItsOwnLockspace() throws Exception {
		LocalLockspace ls = this.client.openLockspace("selfclose", LockspaceOptions.DEFAULTS);
		DlmLockHandle holder = ls.newLock(R, null);
		await(holder.request(DlmMode.EX, Set.of(), null));
		CompletableFuture<DlmCompletion> granted = ls.newLock(R, null).request(DlmMode.EX, Set.of(), null);
		CompletableFuture<Thread> closedOn = granted.thenApply((completion) -> {
			ls.close();
			return Thread.currentThread();
		});
		await(holder.unlock(null));
		assertThat(closedOn.get(TIMEOUT_SECONDS, TimeUnit.SECONDS)).isSameAs(ls.dispatcher().thread());
		ls.dispatcher().thread().join(TimeUnit.SECONDS.toMillis(TIMEOUT_SECONDS));
		assertThat(ls.dispatcher().thread().isAlive()).isFalse();
		assertThat(this.client.dump("selfclose")).isEmpty();
	}

	@Test
	void aCallbackMayTakeAnotherLockWithoutDeadlock() throws Exception {
		LocalLockspace ls = this.client.openLockspace("reenter", LockspaceOptions.DEFAULTS);
		DlmLockHandle holder = ls.newLock(R, null);
		await(holder.request(DlmMode.EX, Set.of(), null));
		DlmLockHandle second = ls.newLock(R, null);
		AtomicReference<Thread> chainedOn = new AtomicReference<>();
		CompletableFuture<DlmCompletion> chained = ls.newLock(R, null)
			.request(DlmMode.PR, Set.of(), null)
			.thenCompose((completion) -> {
				chainedOn.set(Thread.currentThread());
				return second.request(DlmMode.PR, Set.of(), null);
			});
		await(holder.unlock(null));
		assertThat(chained.get(TIMEOUT_SECONDS, TimeUnit.SECONDS).status()).isEqualTo(DlmStatus.GRANTED);
		assertThat(chainedOn.get()).isSameAs(ls.dispatcher().thread());
	}

	@Test
	void completionsKnownAtOnceAreDeliveredBeforeTheCallReturns() throws Exception {
		LocalLockspace ls = this.client.openLockspace("atonce", LockspaceOptions.DEFAULTS);
		LocalLockHandle lock = ls.newLock(R, null);
		CompletableFuture<DlmCompletion> granted = lock.request(DlmMode.EX, EnumSet.of(DlmFlag.VALBLK), null);
		assertThat(granted).isDone();
		assertThat(granted.join().status()).isEqualTo(DlmStatus.GRANTED);
		assertThat(granted.join().valueBlock()).isEqualTo(new byte[32]);
		CompletableFuture<DlmCompletion> refused = ls.newLock(R, null).request(DlmMode.PR, EnumSet.of(DlmFlag.NOQUEUE),
				null);
		assertThat(refused).isDone();
		assertThat(refused.join().status()).isEqualTo(DlmStatus.NOT_GRANTED);
		byte[] written = new byte[32];
		written[0] = 42;
		CompletableFuture<DlmCompletion> converted = lock.request(DlmMode.NL, EnumSet.of(DlmFlag.VALBLK), written);
		assertThat(converted).isDone();
		assertThat(converted.join().grantedMode()).isEqualTo(DlmMode.NL);
		CompletableFuture<DlmCompletion> unlocked = lock.unlock(null);
		assertThat(unlocked).isDone();
		assertThat(unlocked.join().status()).isEqualTo(DlmStatus.UNLOCKED);
		AtomicReference<Thread> dependentOn = new AtomicReference<>();
		unlocked.thenRun(() -> dependentOn.set(Thread.currentThread()));
		assertThat(dependentOn.get()).isSameAs(Thread.currentThread());
		assertThat(this.client.dump("atonce")).isEmpty();
	}

	@Test
	void completionKnownAtOnceWaitsBehindACallbackStillRunningOrQueued() throws Exception {
		LocalLockspace ls = this.client.openLockspace("order", LockspaceOptions.DEFAULTS);
		LocalLockspace other = this.client.openLockspace("order", LockspaceOptions.DEFAULTS);
		DlmResourceName busy = DlmResourceName.of("busy");
		CountDownLatch running = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		List<String> events = new CopyOnWriteArrayList<>();
		DlmLockHandle blocker = ls.newLock(busy, (lock) -> {
			events.add("blocker bast");
			running.countDown();
			awaitLatch(release);
		});
		await(blocker.request(DlmMode.EX, Set.of(), null));
		DlmLockHandle holder = ls.newLock(R, (lock) -> events.add("holder bast"));
		await(holder.request(DlmMode.EX, Set.of(), null));
		// a blocking callback now runs on ls's dispatcher and does not return until released
		other.newLock(busy, null).request(DlmMode.EX, Set.of(), null);
		assertThat(running.await(TIMEOUT_SECONDS, TimeUnit.SECONDS)).isTrue();
		// and one for the holder is queued behind it
		CompletableFuture<DlmCompletion> writer = other.newLock(R, null).request(DlmMode.EX, Set.of(), null);
		// known at once, but must not overtake either callback
		CompletableFuture<DlmCompletion> demoted = holder.request(DlmMode.NL, Set.of(), null);
		CompletableFuture<DlmCompletion> unrelated = ls.newLock(DlmResourceName.of("unrelated"), null)
			.request(DlmMode.EX, Set.of(), null);
		// runs on the dispatcher once the completion is delivered, after get() may have returned
		CompletableFuture<Void> demotedSeen = demoted.thenRun(() -> events.add("holder demoted"));
		try {
			// certain, not a timing guess: ls's dispatcher is still inside the blocker's
			// callback, which returns only when this test releases it
			assertThat(ls.dispatcher().isIdle()).isFalse();
			assertThat(demoted).isNotDone();
			assertThat(unrelated).isNotDone();
		}
		finally {
			release.countDown();
		}
		assertThat(await(demoted).grantedMode()).isEqualTo(DlmMode.NL);
		assertThat(await(unrelated).status()).isEqualTo(DlmStatus.GRANTED);
		assertThat(await(writer).status()).isEqualTo(DlmStatus.GRANTED);
		demotedSeen.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
		assertThat(events).containsExactly("blocker bast", "holder bast", "holder demoted");
		// A completed future does not mean the dispatcher is idle: it still has to return from
		// the callback that completed it. Wait for idle (nothing queues anything on ls any
		// more, so it stays idle), then a completion known at once takes the short way again.
		Awaitility.await().atMost(Duration.ofSeconds(TIMEOUT_SECONDS)).until(ls.dispatcher()::isIdle);
		CompletableFuture<DlmCompletion> later = ls.newLock(DlmResourceName.of("later"), null)
			.request(DlmMode.EX, Set.of(), null);
		assertThat(later).isDone();
		assertThat(later.join().status()).isEqualTo(DlmStatus.GRANTED);
	}

	@Test
	void valueBlockWithoutValblkIsRefused() {
		LocalLockspace ls = this.client.openLockspace("novalblk", LockspaceOptions.DEFAULTS);
		assertThatIllegalArgumentException()
			.isThrownBy(() -> ls.newLock(R, null).request(DlmMode.EX, Set.of(), new byte[32]))
			.withMessageContaining("VALBLK");
	}

	@Test
	void repeatedRequestsForTheSameModeSendOneBlockingCallback() throws Exception {
		LocalLockspace ls = this.client.openLockspace("coalesce", LockspaceOptions.DEFAULTS);
		BlockingQueue<DlmLockHandle> basts = new LinkedBlockingQueue<>();
		await(ls.newLock(R, basts::add).request(DlmMode.EX, Set.of(), null));
		ls.newLock(R, null).request(DlmMode.EX, Set.of(), null);
		ls.newLock(R, null).request(DlmMode.EX, Set.of(), null);
		ls.newLock(R, null).request(DlmMode.PR, Set.of(), null);
		assertThat(basts.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS)).isNotNull();
		DlmLockHandle probe = ls.newLock(DlmResourceName.of("probe"), null);
		await(probe.request(DlmMode.NL, Set.of(), null));
		assertThat(basts).isEmpty();
	}

	@Test
	void operationsOnAClosedHandleAreRefused() throws Exception {
		LocalLockspace ls = this.client.openLockspace("closed", LockspaceOptions.DEFAULTS);
		DlmLockHandle fresh = ls.newLock(R, null);
		ls.close();
		assertThatIllegalStateException().isThrownBy(() -> fresh.request(DlmMode.EX, Set.of(), null))
			.withMessageContaining("closed");
		assertThatIllegalStateException().isThrownBy(() -> ls.newLock(R, null));
	}

	private static void awaitLatch(CountDownLatch latch) {
		try {
			latch.await(TIMEOUT_SECONDS, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
