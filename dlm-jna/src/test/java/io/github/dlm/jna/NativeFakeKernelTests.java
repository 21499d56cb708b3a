package io.github.dlm.jna;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import com.sun.jna.Library;
import com.sun.jna.Native;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import io.github.dlm.core.DlmBusyException;
import io.github.dlm.core.DlmCompletion;
import io.github.dlm.core.DlmException;
import io.github.dlm.core.DlmFlag;
import io.github.dlm.core.DlmLockHandle;
import io.github.dlm.core.DlmLockspace;
import io.github.dlm.core.DlmLockspaceNotFoundException;
import io.github.dlm.core.DlmMode;
import io.github.dlm.core.DlmResourceName;
import io.github.dlm.core.DlmStatus;
import io.github.dlm.core.DlmUnavailableException;
import io.github.dlm.core.LockspaceOptions;

import static io.github.dlm.contract.Completions.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * The native backend's Java side (state machine, JNA callbacks, native memory, dispatcher,
 * close) driven through a stand-in library, {@code src/test/c/fake_libdlm.c}, loaded with
 * the library path override. The stand-in speaks libdlm's protocol (EINPROG on send,
 * completions through a pollable descriptor and {@code dlm_dispatch}, the unlock AST reusing
 * the lock AST, cancel racing with grants, garbage value block on unlock from PW/EX) but is
 * not the kernel: lock semantics are checked against the real kernel by
 * the backend contract suite in the VM cluster (cluster-tests).
 */
@Tag(NativeTestSupport.FAKE_LIBDLM)
class NativeFakeKernelTests {

	private static final long TIMEOUT = 20;

	private static final DlmResourceName R = DlmResourceName.of("r");

	private static LibDlm libDlm;

	private static FakeControl fake;

	private NativeDlmClient client;

	private String lockspaceName;

	@BeforeAll
	static void buildStandIn() throws Exception {
		NativeTestSupport.FakeLibDlm standIn = NativeTestSupport.fakeLibDlm();
		libDlm = standIn.libDlm();
		fake = standIn.control();
	}

	@BeforeEach
	void openClient() {
		this.client = new NativeDlmClient(libDlm, new NativeDlmSettings(null, "dlm-dispatch-", Duration.ofMillis(50),
				Duration.ofSeconds(10)));
		this.lockspaceName = "fk" + Long.toString(ThreadLocalRandom.current().nextLong(Long.MAX_VALUE), 36);
	}

	@AfterEach
	void closeClient() {
		fake.fake_hold_callbacks(0);
		this.client.close();
		assertThat(fake.fake_live_locks()).as("locks left in the lock manager").isZero();
		assertThat(NativeCallbacks.registeredCount()).as("callback tokens left").isZero();
		assertThat(threadNames()).noneMatch((name) -> name.startsWith("dlm-dispatch-fk"));
	}

	@Test
	void grantCompletesOnTheDispatcherThreadAndUnlockEndsTheLock() throws Exception {
		DlmLockspace ls = open();
		DlmLockHandle lock = ls.newLock(R, null);
		AtomicReference<String> thread = new AtomicReference<>();
		fake.fake_hold_callbacks(1);
		CompletableFuture<DlmCompletion> request = lock.request(DlmMode.EX, Set.of(), null)
			.whenComplete((completion, ex) -> thread.set(Thread.currentThread().getName()));
		fake.fake_hold_callbacks(0);
		DlmCompletion granted = await(request);
		assertThat(granted.status()).isEqualTo(DlmStatus.GRANTED);
		assertThat(granted.grantedMode()).isEqualTo(DlmMode.EX);
		assertThat(thread.get()).isEqualTo("dlm-dispatch-" + this.lockspaceName);
		assertThat(lock.grantedMode()).isEqualTo(DlmMode.EX);
		assertThat(NativeCallbacks.registeredCount()).isEqualTo(1);
		DlmCompletion unlocked = await(lock.unlock(null));
		assertThat(unlocked.status()).isEqualTo(DlmStatus.UNLOCKED);
		assertThat(unlocked.grantedMode()).isNull();
		assertThat(lock.isEnded()).isTrue();
		assertThat(NativeCallbacks.registeredCount()).isZero();
		assertThatIllegalStateException().isThrownBy(() -> lock.request(DlmMode.EX, Set.of(), null))
			.withMessageContaining("has ended");
	}

	@Test
	void noDirectoryAsksForNodirWhenCreatingAndReleaseForcesOnlyWhenAsked() throws Exception {
		DlmLockspace plain = this.client.openLockspace(this.lockspaceName, LockspaceOptions.DEFAULTS);
		assertThat(fake.fake_last_new_flags()).isZero();
		plain.release(false);
		assertThat(fake.fake_last_release_force()).isZero();
		DlmLockspace nodir = this.client.openLockspace(this.lockspaceName, new LockspaceOptions(true, 0600, false, true));
		assertThat(fake.fake_last_new_flags()).isEqualTo(NativeDlmClient.DLM_LSFL_NODIR);
		DlmLockHandle lock = nodir.newLock(R, null);
		assertThat(await(lock.request(DlmMode.EX, Set.of(), null)).status()).isEqualTo(DlmStatus.GRANTED);
		nodir.release(true);
		assertThat(fake.fake_last_release_force()).isOne();
		assertThat(lock.isEnded()).isTrue();
		assertThatExceptionOfType(DlmLockspaceNotFoundException.class)
			.isThrownBy(() -> this.client.openLockspace(this.lockspaceName, new LockspaceOptions(false, 0600, false)));
	}

	@Test
	void directMappedCallsAreBoundToTheLibraryTheyWereAskedForAndNoOther() {
		NativeLockspace ls = (NativeLockspace) open();
		LibDlmDirect.bind(libDlm);
		try (com.sun.jna.Memory request = new com.sun.jna.Memory(DlmUnlockRequest.SIZE)) {
			request.clear();
			request.setInt(0, 5);
			// The stand-in's device write checks the protocol version like the kernel (the C
			// library's write would refuse the pipe's read end with EBADF).
			assertThat(LibC.write(ls.fd(), request, DlmUnlockRequest.SIZE)).isEqualTo(-1);
			assertThat(Native.getLastError()).as("EBADE").isEqualTo(52);
		}
		assertThatExceptionOfType(DlmUnavailableException.class)
			.isThrownBy(() -> LibDlmDirect.bind(NativeTestSupport.requireLibDlm()))
			.withMessageContaining("libfakedlm.so")
			.withMessageContaining("one libdlm file per JVM");
	}

	@Test
	void openingAMissingLockspaceWithoutCreateIsNotFound() {
		assertThatExceptionOfType(DlmLockspaceNotFoundException.class)
			.isThrownBy(() -> this.client.openLockspace(this.lockspaceName, new LockspaceOptions(false, 0600, false)))
			.withMessageContaining("'" + this.lockspaceName + "'")
			.withMessageContaining("ENOENT");
	}

	@Test
	void waiterIsGrantedWhenTheHolderUnlocksAndTheHolderGetsABlockingCallback() throws Exception {
		DlmLockspace ls = open();
		CountDownLatch blocking = new CountDownLatch(1);
		DlmLockHandle holder = ls.newLock(R, (lock) -> blocking.countDown());
		await(holder.request(DlmMode.PR, Set.of(), null));
		DlmLockHandle waiter = open().newLock(R, null);
		CompletableFuture<DlmCompletion> waiting = waiter.request(DlmMode.EX, Set.of(), null);
		assertThat(blocking.await(TIMEOUT, TimeUnit.SECONDS)).isTrue();
		assertThat(waiting).isNotDone();
		assertThatIllegalStateException().isThrownBy(() -> waiter.unlock(null)).withMessageContaining("cancel it first");
		await(holder.unlock(null));
		assertThat(await(waiting).grantedMode()).isEqualTo(DlmMode.EX);
		await(waiter.unlock(null));
	}

	@Test
	void noqueueRequestThatCannotBeGrantedEndsTheLock() throws Exception {
		DlmLockspace ls = open();
		DlmLockHandle holder = ls.newLock(R, null);
		await(holder.request(DlmMode.EX, Set.of(), null));
		DlmLockHandle tryer = ls.newLock(R, null);
		DlmCompletion refused = await(tryer.request(DlmMode.EX, EnumSet.of(DlmFlag.NOQUEUE), null));
		assertThat(refused.status()).isEqualTo(DlmStatus.NOT_GRANTED);
		assertThat(tryer.isEnded()).isTrue();
		await(holder.unlock(null));
	}

	@Test
	void cancelledWaitingRequestEndsAndFreesItsToken() throws Exception {
		DlmLockspace ls = open();
		DlmLockHandle holder = ls.newLock(R, null);
		await(holder.request(DlmMode.EX, Set.of(), null));
		DlmLockHandle waiter = ls.newLock(R, null);
		CompletableFuture<DlmCompletion> waiting = waiter.request(DlmMode.EX, Set.of(), null);
		assertThat(NativeCallbacks.registeredCount()).isEqualTo(2);
		assertThat(waiter.cancel()).isTrue();
		assertThat(waiter.cancel()).as("one cancel per request").isFalse();
		assertThat(await(waiting).status()).isEqualTo(DlmStatus.CANCELLED);
		assertThat(waiter.isEnded()).isTrue();
		assertThat(NativeCallbacks.registeredCount()).isEqualTo(1);
		assertThat(waiter.cancel()).isFalse();
		await(holder.unlock(null));
	}

	@Test
	void cancelThatLosesTheRaceToTheGrantDeliversTheGrant() throws Exception {
		DlmLockspace ls = open();
		DlmLockHandle holder = ls.newLock(R, null);
		await(holder.request(DlmMode.EX, Set.of(), null));
		DlmLockHandle waiter = ls.newLock(R, null);
		CompletableFuture<DlmCompletion> waiting = waiter.request(DlmMode.EX, Set.of(), null);
		fake.fake_hold_callbacks(1);
		CompletableFuture<DlmCompletion> unlocked = holder.unlock(null);
		// The lock manager granted the waiter already; its completion is queued, not delivered.
		assertThat(waiter.cancel()).isTrue();
		fake.fake_hold_callbacks(0);
		assertThat(await(unlocked).status()).isEqualTo(DlmStatus.UNLOCKED);
		DlmCompletion outcome = await(waiting);
		assertThat(outcome.status()).isEqualTo(DlmStatus.GRANTED);
		assertThat(waiter.grantedMode()).isEqualTo(DlmMode.EX);
		await(waiter.unlock(null));
	}

	@Test
	void cancelledConversionKeepsTheGrantedMode() throws Exception {
		DlmLockspace ls = open();
		DlmLockHandle a = ls.newLock(R, null);
		DlmLockHandle b = ls.newLock(R, null);
		await(a.request(DlmMode.PR, Set.of(), null));
		await(b.request(DlmMode.PR, Set.of(), null));
		CompletableFuture<DlmCompletion> converting = a.request(DlmMode.EX, Set.of(), null);
		assertThat(a.cancel()).isTrue();
		DlmCompletion cancelled = await(converting);
		assertThat(cancelled.status()).isEqualTo(DlmStatus.CANCELLED);
		assertThat(cancelled.grantedMode()).isEqualTo(DlmMode.PR);
		assertThat(a.grantedMode()).isEqualTo(DlmMode.PR);
		await(a.unlock(null));
		await(b.unlock(null));
	}

	@Test
	void unlockFromExWithValblkPublishesTheBufferNotLibdlmsGarbage() throws Exception {
		DlmLockspace ls = open();
		DlmLockHandle keeper = ls.newLock(R, null);
		await(keeper.request(DlmMode.NL, EnumSet.of(DlmFlag.VALBLK), null));
		DlmLockHandle writer = ls.newLock(R, null);
		await(writer.request(DlmMode.EX, EnumSet.of(DlmFlag.VALBLK), null));
		DlmCompletion unlocked = await(writer.unlock(lvb(7)));
		assertThat(unlocked.status()).isEqualTo(DlmStatus.UNLOCKED);
		assertThat(writer.isEnded()).isTrue();
		DlmCompletion read = await(keeper.request(DlmMode.PR, EnumSet.of(DlmFlag.VALBLK), null));
		assertThat(read.valueBlock()).isEqualTo(lvb(7));
		assertThat(keeper.valueBlock()).isEqualTo(lvb(7));
		await(keeper.unlock(null));
	}

	@Test
	void acquireAndReleaseWithValblkAreTwoRequestsAndTheUnlockNeverGoesThroughLibdlm() throws Exception {
		DlmLockspace ls = open();
		DlmLockHandle keeper = ls.newLock(R, null);
		await(keeper.request(DlmMode.NL, EnumSet.of(DlmFlag.VALBLK), null));
		int locks = fake.fake_calls(0);
		int unlocks = fake.fake_calls(1);
		int writes = fake.fake_calls(2);
		DlmLockHandle writer = ls.newLock(R, null);
		await(writer.request(DlmMode.EX, EnumSet.of(DlmFlag.VALBLK), null));
		await(writer.unlock(lvb(9)));
		assertThat(fake.fake_calls(0) - locks).as("dlm_ls_lock calls: the request only").isOne();
		assertThat(fake.fake_calls(2) - writes).as("unlock requests written to the descriptor").isOne();
		assertThat(fake.fake_calls(1) - unlocks).as("dlm_ls_unlock calls (they publish garbage)").isZero();
		assertThat(await(keeper.request(DlmMode.PR, EnumSet.of(DlmFlag.VALBLK), null)).valueBlock()).isEqualTo(lvb(9));
		await(keeper.unlock(null));
	}

	@Test
	void unlockWithoutANewValueRepublishesWhatTheLockLastRead() throws Exception {
		DlmLockspace ls = open();
		DlmLockHandle keeper = ls.newLock(R, null);
		await(keeper.request(DlmMode.NL, EnumSet.of(DlmFlag.VALBLK), null));
		DlmLockHandle first = ls.newLock(R, null);
		await(first.request(DlmMode.EX, EnumSet.of(DlmFlag.VALBLK), null));
		await(first.unlock(pattern()));
		DlmLockHandle second = ls.newLock(R, null);
		assertThat(await(second.request(DlmMode.PW, EnumSet.of(DlmFlag.VALBLK), null)).valueBlock()).isEqualTo(pattern());
		await(second.unlock(null));
		assertThat(await(keeper.request(DlmMode.PR, EnumSet.of(DlmFlag.VALBLK), null)).valueBlock()).isEqualTo(pattern());
		await(keeper.unlock(null));
	}

	@Test
	void valueBlockWrittenByDownConversionIsReadByTheNextGrant() throws Exception {
		DlmLockspace ls = open();
		DlmLockHandle writer = ls.newLock(R, null);
		DlmCompletion first = await(writer.request(DlmMode.EX, EnumSet.of(DlmFlag.VALBLK), null));
		assertThat(first.valueBlock()).isEqualTo(new byte[32]);
		DlmCompletion down = await(writer.request(DlmMode.NL, EnumSet.of(DlmFlag.VALBLK), lvb(3)));
		assertThat(down.valueBlock()).as("a write-type conversion reads nothing").isNull();
		DlmLockHandle reader = ls.newLock(R, null);
		assertThat(await(reader.request(DlmMode.PR, EnumSet.of(DlmFlag.VALBLK), null)).valueBlock()).isEqualTo(lvb(3));
		await(reader.unlock(null));
		await(writer.unlock(null));
	}

	@Test
	void closingALockspaceCancelsItsWaitersReleasesItsHoldersAndWakesOthers() throws Exception {
		DlmLockspace closing = open();
		DlmLockspace other = open();
		DlmLockHandle held = closing.newLock(R, null);
		await(held.request(DlmMode.EX, Set.of(), null));
		DlmLockHandle otherHolder = other.newLock(DlmResourceName.of("s"), null);
		await(otherHolder.request(DlmMode.EX, Set.of(), null));
		DlmLockHandle closingWaiter = closing.newLock(DlmResourceName.of("s"), null);
		CompletableFuture<DlmCompletion> closingWaiting = closingWaiter.request(DlmMode.EX, Set.of(), null);
		CompletableFuture<DlmCompletion> otherWaiting = other.newLock(R, null).request(DlmMode.EX, Set.of(),
				null);
		closing.close();
		assertThat(await(closingWaiting).status()).isEqualTo(DlmStatus.CANCELLED);
		assertThat(closingWaiter.isEnded()).isTrue();
		assertThat(held.isEnded()).isTrue();
		assertThat(await(otherWaiting).status()).isEqualTo(DlmStatus.GRANTED);
		assertThat(threadNames()).doesNotContain("dlm-dispatch-" + this.lockspaceName + "-closed");
		assertThatIllegalStateException().isThrownBy(() -> closing.newLock(R, null));
		closing.close();
	}

	@Test
	void closingALockspaceInvalidatesTheValueBlockOfAnExWriter() throws Exception {
		DlmLockspace keeperSide = open();
		DlmLockspace closing = open();
		DlmLockHandle keeper = keeperSide.newLock(R, null);
		await(keeper.request(DlmMode.NL, EnumSet.of(DlmFlag.VALBLK), null));
		DlmLockHandle writer = closing.newLock(R, null);
		await(writer.request(DlmMode.EX, EnumSet.of(DlmFlag.VALBLK), null));
		closing.close();
		assertThat(writer.isEnded()).isTrue();
		DlmCompletion read = await(keeper.request(DlmMode.PR, EnumSet.of(DlmFlag.VALBLK), null));
		assertThat(read.isValueBlockInvalid()).isTrue();
	}

	@Test
	void closingFromACallbackIsRefused() throws Exception {
		DlmLockspace ls = open();
		AtomicReference<String> thread = new AtomicReference<>();
		AtomicReference<Throwable> failure = new AtomicReference<>();
		DlmLockHandle lock = ls.newLock(R, null);
		// Held so that the action is attached before the completion and runs in the callback.
		fake.fake_hold_callbacks(1);
		CompletableFuture<DlmCompletion> request = lock.request(DlmMode.EX, Set.of(), null)
			.whenComplete((completion, ex) -> {
				thread.set(Thread.currentThread().getName());
				try {
					ls.close();
				}
				catch (Throwable closeFailure) {
					failure.set(closeFailure);
				}
			});
		fake.fake_hold_callbacks(0);
		await(request);
		assertThat(thread.get()).isEqualTo("dlm-dispatch-" + this.lockspaceName);
		assertThat(failure.get()).isInstanceOf(IllegalStateException.class)
			.hasMessageContaining("cannot be closed from a DLM callback");
		await(lock.unlock(null));
	}

	@Test
	void closingFromACallbackWhileAnotherThreadClosesIsRefusedWithoutDeadlock() throws Exception {
		DlmLockspace ls = open();
		AtomicReference<Throwable> failure = new AtomicReference<>();
		CountDownLatch blocked = new CountDownLatch(1);
		DlmLockHandle holder = ls.newLock(R, (lock) -> {
			try {
				ls.close();
			}
			catch (Throwable closeFailure) {
				failure.set(closeFailure);
			}
			blocked.countDown();
		});
		await(holder.request(DlmMode.EX, Set.of(), null));
		DlmLockspace other = open();
		fake.fake_hold_callbacks(1);
		// Queued, not delivered: the blocking callback, then the unlock made by the close.
		CompletableFuture<DlmCompletion> waiting = other.newLock(R, null).request(DlmMode.EX, Set.of(), null);
		CompletableFuture<Void> closing = CompletableFuture.runAsync(ls::close);
		try {
			// The close has begun once the lockspace refuses new locks.
			Awaitility.await()
				.atMost(Duration.ofSeconds(TIMEOUT))
				.untilAsserted(() -> assertThatIllegalStateException().isThrownBy(((NativeLockspace) ls)::checkOpen));
		}
		finally {
			fake.fake_hold_callbacks(0);
		}
		assertThat(blocked.await(TIMEOUT, TimeUnit.SECONDS)).isTrue();
		closing.get(TIMEOUT, TimeUnit.SECONDS);
		assertThat(failure.get()).isInstanceOf(IllegalStateException.class)
			.hasMessageContaining("cannot be closed from a DLM callback");
		assertThat(holder.isEnded()).isTrue();
		assertThat(await(waiting).status()).isEqualTo(DlmStatus.GRANTED);
	}

	@Test
	void repeatedOpenCloseCyclesLeaveNoThreadsTokensOrLocks() throws Exception {
		for (int i = 0; i < 20; i++) {
			DlmLockspace ls = open();
			DlmLockHandle lock = ls.newLock(DlmResourceName.of("r" + i), null);
			await(lock.request(DlmMode.PW, EnumSet.of(DlmFlag.VALBLK), lvb(i)));
			ls.close();
			assertThat(lock.isEnded()).isTrue();
		}
		assertThat(this.client.openLockspaces()).isEmpty();
	}

	@Test
	void concurrentLockersNeverOverlapAndCancelsNeverLeakALock() throws Exception {
		DlmLockspace ls = open();
		AtomicInteger inside = new AtomicInteger();
		AtomicInteger overlaps = new AtomicInteger();
		AtomicInteger cancelledOrGranted = new AtomicInteger();
		ExecutorService pool = Executors.newFixedThreadPool(6);
		try {
			List<Future<?>> workers = new ArrayList<>();
			for (int t = 0; t < 6; t++) {
				workers.add(pool.submit(() -> {
					for (int i = 0; i < 150; i++) {
						DlmLockHandle lock = ls.newLock(DlmResourceName.of("hot"), null);
						CompletableFuture<DlmCompletion> request = lock.request(DlmMode.EX, Set.of(), null);
						if (ThreadLocalRandom.current().nextInt(3) == 0) {
							lock.cancel();
						}
						DlmCompletion outcome = request.get(TIMEOUT, TimeUnit.SECONDS);
						cancelledOrGranted.incrementAndGet();
						if (outcome.isGranted()) {
							if (inside.incrementAndGet() != 1) {
								overlaps.incrementAndGet();
							}
							inside.decrementAndGet();
							lock.unlock(null).get(TIMEOUT, TimeUnit.SECONDS);
						}
						else {
							assertThat(outcome.status()).isEqualTo(DlmStatus.CANCELLED);
							assertThat(lock.isEnded()).isTrue();
						}
					}
					return null;
				}));
			}
			for (Future<?> worker : workers) {
				worker.get(120, TimeUnit.SECONDS);
			}
		}
		finally {
			pool.shutdownNow();
		}
		assertThat(overlaps.get()).isZero();
		assertThat(cancelledOrGranted.get()).isEqualTo(6 * 150);
		assertThat(fake.fake_live_locks()).isZero();
	}

	@Test
	void refusedNewRequestThrowsTheMappedErrorAndLeavesTheHandleUsable() throws Exception {
		DlmLockspace ls = open();
		DlmLockHandle lock = ls.newLock(R, null);
		fake.fake_fail_next(49);
		assertThatExceptionOfType(DlmUnavailableException.class)
			.isThrownBy(() -> lock.request(DlmMode.EX, Set.of(), null))
			.withMessageContaining("lock EX of lock 'r' in lockspace '" + this.lockspaceName + "'")
			.withMessageContaining("EUNATCH");
		assertThat(lock.isEnded()).isFalse();
		assertThat(NativeCallbacks.registeredCount()).as("no completion will come: token released").isZero();
		await(lock.request(DlmMode.EX, Set.of(), null));
		await(lock.unlock(null));
	}

	@Test
	void refusedConversionAndUnlockKeepTheGrantedMode() throws Exception {
		DlmLockspace ls = open();
		DlmLockHandle lock = ls.newLock(R, null);
		await(lock.request(DlmMode.PR, Set.of(), null));
		fake.fake_fail_next(12);
		assertThatExceptionOfType(DlmException.class).isThrownBy(() -> lock.request(DlmMode.EX, Set.of(), null))
			.withMessageContaining("convert PR to EX")
			.withMessageContaining("ENOMEM");
		fake.fake_fail_next(16);
		assertThatExceptionOfType(DlmBusyException.class).isThrownBy(() -> lock.unlock(null))
			.withMessageContaining("unlock of lock 'r'");
		assertThat(lock.grantedMode()).isEqualTo(DlmMode.PR);
		await(lock.unlock(null));
	}

	@Test
	void closedLockspaceRefusesItsLocks() throws Exception {
		DlmLockspace ls = open();
		DlmLockHandle lock = ls.newLock(R, null);
		await(lock.request(DlmMode.EX, Set.of(), null));
		DlmLockHandle unused = ls.newLock(R, null);
		ls.close();
		assertThatIllegalStateException().isThrownBy(() -> lock.unlock(null)).withMessageContaining("has ended");
		assertThatIllegalStateException().isThrownBy(() -> unused.request(DlmMode.EX, Set.of(), null))
			.withMessageContaining("is closed");
	}

	private DlmLockspace open() {
		return this.client.openLockspace(this.lockspaceName, new LockspaceOptions(true, 0600, false));
	}

	private static byte[] lvb(int fill) {
		byte[] bytes = new byte[32];
		Arrays.fill(bytes, (byte) fill);
		return bytes;
	}

	private static byte[] pattern() {
		byte[] bytes = new byte[32];
		for (int i = 0; i < bytes.length; i++) {
			bytes[i] = (byte) (31 * i + 1);
		}
		return bytes;
	}

	private static List<String> threadNames() {
		return Thread.getAllStackTraces().keySet().stream().map(Thread::getName).toList();
	}

	interface FakeControl extends Library {

		void fake_hold_callbacks(int on);

		int fake_live_locks();

		void fake_fail_next(int errno);

		int fake_calls(int which);

		int fake_last_new_flags();

		int fake_last_release_force();

	}

}
