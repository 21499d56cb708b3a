package io.github.dlm.caching;

import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import io.github.dlm.core.DlmCompletion;
import io.github.dlm.core.DlmFlag;
import io.github.dlm.core.DlmLockHandle;
import io.github.dlm.core.DlmMode;
import io.github.dlm.core.DlmRequest;
import io.github.dlm.core.DlmResourceName;
import io.github.dlm.core.DlmStatus;
import io.github.dlm.core.LockspaceOptions;
import io.github.dlm.local.LocalDlmClient;
import io.github.dlm.local.LocalLockInfo;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two "nodes": two {@link CachingLockspace}s over one lockspace of the local engine, which
 * plays the kernel. What the node locks do is read from the local engine's lock dump.
 */
class CachingLockspaceTests {

	private static final String LOCKSPACE = "nodes";

	private static final DlmResourceName R = DlmResourceName.of("r");

	private static final Duration WAIT = Duration.ofSeconds(20);

	private LocalDlmClient kernel = new LocalDlmClient("kernel-");

	private CachingDlmClient client = new CachingDlmClient(this.kernel);

	private CachingLockspace a = this.client.openLockspace(LOCKSPACE, LockspaceOptions.DEFAULTS);

	private CachingLockspace b = this.client.openLockspace(LOCKSPACE, LockspaceOptions.DEFAULTS);

	@AfterEach
	void close() {
		this.client.close();
	}

	@Test
	void cachedExIdleOnOneNodeIsReleasedWhenTheOtherRequestsIt() throws Exception {
		DlmLockHandle first = granted(this.a, DlmMode.EX);
		first.unlock(null).get();
		assertThat(nodeLocks()).singleElement().satisfies((lock) -> {
			assertThat(lock.grantedMode()).isEqualTo(DlmMode.EX);
			assertThat(lock.owner()).isEqualTo(((io.github.dlm.local.LocalLockspace) this.a.delegate()).handleId());
		});
		assertThat(this.a.cachedLocks()).singleElement().satisfies((cached) -> {
			assertThat(cached.nodeMode()).isEqualTo(DlmMode.EX);
			assertThat(cached.localHolders()).isZero();
		});
		granted(this.b, DlmMode.EX);
		assertThat(nodeLocks()).singleElement()
			.satisfies((lock) -> assertThat(lock.owner()).isEqualTo(handleId(this.b)));
	}

	@Test
	void holderGetsTheBlockingCallbackAndTheOtherNodeIsGrantedWhenItUnlocks() throws Exception {
		BlockingQueue<DlmLockHandle> basts = new LinkedBlockingQueue<>();
		DlmLockHandle holder = this.a.newLock(R, basts::add);
		assertThat(holder.request(DlmMode.EX, Set.of(), null).get().isGranted()).isTrue();
		CompletableFuture<DlmCompletion> waiting = this.b.newLock(R, null).request(DlmMode.EX, Set.of(), null);
		assertThat(basts.poll(WAIT.toSeconds(), TimeUnit.SECONDS)).isSameAs(holder);
		assertThat(waiting).isNotDone();
		holder.unlock(null).get();
		assertThat(waiting.get(WAIT.toSeconds(), TimeUnit.SECONDS).isGranted()).isTrue();
	}

	@Test
	void aRemoteWaiterIsGrantedWhileTheOtherNodeReacquiresInALoop() throws Exception {
		AtomicBoolean running = new AtomicBoolean(true);
		AtomicLong rounds = new AtomicLong();
		Thread hot = new Thread(() -> {
			while (running.get()) {
				DlmLockHandle lock = this.a.newLock(R, null);
				DlmRequest.lock(lock, DlmMode.EX, Set.of()).join();
				DlmRequest.unlock(lock, null);
				rounds.incrementAndGet();
			}
		}, "hot-node");
		hot.start();
		try {
			await().atMost(WAIT).until(() -> rounds.get() > 100);
			DlmLockHandle cold = this.b.newLock(R, null);
			assertThat(cold.request(DlmMode.EX, Set.of(), null).get(WAIT.toSeconds(), TimeUnit.SECONDS).isGranted())
				.isTrue();
			cold.unlock(null).get();
		}
		finally {
			running.set(false);
			hot.join();
		}
	}

	@Test
	void valueBlockWrittenOnOneNodeIsReadOnTheOtherAfterTheHandoff() throws Exception {
		DlmLockHandle writer = granted(this.a, DlmMode.EX, EnumSet.of(DlmFlag.VALBLK));
		writer.unlock(lvb(5)).get();
		DlmLockHandle reader = this.b.newLock(R, null);
		DlmCompletion read = reader.request(DlmMode.PR, EnumSet.of(DlmFlag.VALBLK), null)
			.get(WAIT.toSeconds(), TimeUnit.SECONDS);
		assertThat(read.valueBlock()).isEqualTo(lvb(5));
		assertThat(read.isValueBlockInvalid()).isFalse();
	}

	@Test
	void prIsCachedOnBothNodesAndTakenAgainFromTheCache() throws Exception {
		granted(this.a, DlmMode.PR).unlock(null).get();
		granted(this.b, DlmMode.PR).unlock(null).get();
		assertThat(nodeLocks()).extracting(LocalLockInfo::grantedMode).containsExactly(DlmMode.PR, DlmMode.PR);
		for (CachingLockspace node : List.of(this.a, this.b)) {
			DlmCompletion again = node.newLock(R, null).request(DlmMode.PR, Set.of(), null)
				.get(WAIT.toSeconds(), TimeUnit.SECONDS);
			assertThat(again.grantedMode()).isEqualTo(DlmMode.PR);
		}
		// answered from the caches: the lock manager still has the two node locks it had
		assertThat(nodeLocks()).extracting(LocalLockInfo::grantedMode).containsExactly(DlmMode.PR, DlmMode.PR);
	}

	@Test
	void conversionDeadlockAcrossTwoNodesIsGivenToTheLaterConversion() throws Exception {
		DlmLockHandle onA = granted(this.a, DlmMode.PR);
		DlmLockHandle onB = granted(this.b, DlmMode.PR);
		CompletableFuture<DlmCompletion> first = onA.request(DlmMode.EX, Set.of(), null);
		await().atMost(WAIT).until(() -> nodeLocks().stream().anyMatch((lock) -> lock.requestedMode() == DlmMode.EX));
		DlmCompletion second = onB.request(DlmMode.EX, Set.of(), null).get(WAIT.toSeconds(), TimeUnit.SECONDS);
		assertThat(second.status()).isEqualTo(DlmStatus.DEADLOCK);
		assertThat(onB.grantedMode()).isEqualTo(DlmMode.PR);
		onB.unlock(null).get();
		assertThat(first.get(WAIT.toSeconds(), TimeUnit.SECONDS).grantedMode()).isEqualTo(DlmMode.EX);
	}

	@Test
	void tryLockIsAnsweredFromTheCacheOrByTheLockManagerWithNoqueue() throws Exception {
		granted(this.a, DlmMode.EX).unlock(null).get();
		DlmLockHandle again = this.a.newLock(R, null);
		DlmCompletion cached = again.request(DlmMode.EX, EnumSet.of(DlmFlag.NOQUEUE), null)
			.get(WAIT.toSeconds(), TimeUnit.SECONDS);
		assertThat(cached.isGranted()).isTrue();
		// answered from the cache: the lock manager still has node a's one lock, and nothing else
		assertThat(nodeLocks()).singleElement().satisfies((lock) -> {
			assertThat(lock.owner()).isEqualTo(handleId(this.a));
			assertThat(lock.grantedMode()).isEqualTo(DlmMode.EX);
		});
		DlmCompletion refused = this.b.newLock(R, null)
			.request(DlmMode.EX, EnumSet.of(DlmFlag.NOQUEUE), null)
			.get(WAIT.toSeconds(), TimeUnit.SECONDS);
		assertThat(refused.status()).isEqualTo(DlmStatus.NOT_GRANTED);
		again.unlock(null).get();
		// a refused request asks node a to let its idle cached lock go: a later try of b wins
		await().atMost(WAIT).until(() -> this.b.newLock(R, null)
			.request(DlmMode.EX, EnumSet.of(DlmFlag.NOQUEUE), null)
			.get(WAIT.toSeconds(), TimeUnit.SECONDS)
			.isGranted());
	}

	@Test
	void idleNodeLocksAreReleasedAfterTheTimeout() throws Exception {
		this.client.close();
		this.kernel = new LocalDlmClient("kernel-idle-");
		this.client = new CachingDlmClient(this.kernel, Duration.ofMillis(50));
		this.a = this.client.openLockspace(LOCKSPACE, LockspaceOptions.DEFAULTS);
		DlmLockHandle lock = granted(this.a, DlmMode.EX);
		assertThat(nodeLocks()).hasSize(1);
		lock.unlock(null).get();
		await().atMost(WAIT).until(() -> nodeLocks().isEmpty());
		await().atMost(WAIT).until(() -> this.a.cachedLocks().isEmpty());
		assertThat(this.a.localLocks()).isEmpty();
	}

	@Test
	void closingReleasesNodeLocksAndEndsLocalLocks() throws Exception {
		DlmLockHandle held = granted(this.a, DlmMode.EX);
		CompletableFuture<DlmCompletion> waiting = this.a.newLock(R, null).request(DlmMode.EX, Set.of(), null);
		this.a.close();
		assertThat(held.isEnded()).isTrue();
		assertThat(waiting.get(WAIT.toSeconds(), TimeUnit.SECONDS).status()).isEqualTo(DlmStatus.CANCELLED);
		assertThat(nodeLocks()).isEmpty();
	}

	@Test
	void closingPublishesAValueBlockWrittenLocallyWhileNoLocalHolderHoldsIt() throws Exception {
		DlmLockHandle anchor = granted(this.b, DlmMode.NL, EnumSet.of(DlmFlag.VALBLK));
		DlmLockHandle writer = granted(this.a, DlmMode.EX, EnumSet.of(DlmFlag.VALBLK));
		writer.unlock(lvb(7)).get();
		this.a.close();
		DlmCompletion read = anchor.request(DlmMode.PR, EnumSet.of(DlmFlag.VALBLK), null)
			.get(WAIT.toSeconds(), TimeUnit.SECONDS);
		assertThat(read.valueBlock()).isEqualTo(lvb(7));
		assertThat(read.isValueBlockInvalid()).isFalse();
	}

	private List<LocalLockInfo> nodeLocks() {
		return this.kernel.dump(LOCKSPACE).stream().filter((lock) -> lock.resource().equals("r")).toList();
	}

	private static int handleId(CachingLockspace lockspace) {
		return ((io.github.dlm.local.LocalLockspace) lockspace.delegate()).handleId();
	}

	private static DlmLockHandle granted(CachingLockspace lockspace, DlmMode mode) throws Exception {
		return granted(lockspace, mode, Set.of());
	}

	private static DlmLockHandle granted(CachingLockspace lockspace, DlmMode mode, Set<DlmFlag> flags)
			throws Exception {
		DlmLockHandle lock = lockspace.newLock(R, null);
		DlmCompletion completion = lock.request(mode, flags, null).get(WAIT.toSeconds(), TimeUnit.SECONDS);
		assertThat(completion.grantedMode()).isEqualTo(mode);
		return lock;
	}

	private static byte[] lvb(int fill) {
		byte[] bytes = new byte[32];
		for (int i = 0; i < bytes.length; i++) {
			bytes[i] = (byte) (fill + i);
		}
		return bytes;
	}

}
