package io.github.dlm.contract;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import io.github.dlm.core.DlmClient;
import io.github.dlm.core.DlmCompletion;
import io.github.dlm.core.DlmFlag;
import io.github.dlm.core.DlmLockHandle;
import io.github.dlm.core.DlmLockspace;
import io.github.dlm.core.DlmLockspaceNotFoundException;
import io.github.dlm.core.DlmMode;
import io.github.dlm.core.DlmResourceName;
import io.github.dlm.core.DlmStatus;
import io.github.dlm.core.DlmStatusFlag;
import io.github.dlm.core.LockspaceOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static io.github.dlm.contract.Completions.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The semantics every DLM backend must have, checked only through the SPI
 * ({@link DlmClient}, {@link DlmLockspace}, {@link DlmLockHandle}). The local engine, the
 * native backend and the real-kernel cluster suite run this same class, which is how the
 * local engine is held to the kernel's behaviour.
 * <p>
 * Each test gets its own lockspace. Two handles opened on it act as two processes on one
 * node. To check that something is still waiting, a test first "settles" the handle: it
 * runs a probe lock to completion on it, and since a handle's callbacks arrive in order, a
 * completion queued before the probe's has arrived by then.
 */
public abstract class DlmBackendContractTests {

	/** How long any single completion may take; generous, never a speed assertion. */
	protected static final long TIMEOUT_SECONDS = 20;

	private static final DlmResourceName R = DlmResourceName.of("resource");

	private DlmClient client;

	private String lockspaceName;

	private final List<DlmLockspace> handles = new ArrayList<>();

	private final AtomicInteger probes = new AtomicInteger();

	/**
	 * Creates the backend under test; called once per test.
	 * @return a new client
	 */
	protected abstract DlmClient createClient();

	/**
	 * A lockspace name no other test uses.
	 * @return a valid lockspace name
	 */
	protected String uniqueLockspaceName() {
		return "ct-" + Long.toString(ThreadLocalRandom.current().nextLong(Long.MAX_VALUE), 36);
	}

	@BeforeEach
	void createClientAndLockspaceName() {
		this.client = createClient();
		this.lockspaceName = uniqueLockspaceName();
	}

	@AfterEach
	void closeEverything() {
		for (DlmLockspace handle : this.handles) {
			handle.close();
		}
		this.client.close();
	}

	/** The client under test. */
	protected DlmClient client() {
		return this.client;
	}

	/** The lockspace name of the current test. */
	protected String lockspaceName() {
		return this.lockspaceName;
	}

	/** Opens another handle on the test's lockspace, closed after the test. */
	protected DlmLockspace openHandle() {
		DlmLockspace handle = this.client.openLockspace(this.lockspaceName, new LockspaceOptions(true, 0600, true));
		this.handles.add(handle);
		return handle;
	}

	// ---- compatibility ----

	static List<Arguments> modePairs() {
		List<Arguments> pairs = new ArrayList<>();
		for (DlmMode held : DlmMode.values()) {
			for (DlmMode requested : DlmMode.values()) {
				pairs.add(Arguments.of(held, requested));
			}
		}
		return pairs;
	}

	@ParameterizedTest(name = "{0} held, {1} requested")
	@MethodSource("modePairs")
	void grantsARequestExactlyWhenCompatibleWithTheHeldMode(DlmMode held, DlmMode requested) throws Exception {
		DlmLockspace first = openHandle();
		DlmLockspace second = openHandle();
		hold(first, R, held);
		DlmLockHandle other = second.newLock(R, null);
		DlmCompletion completion = await(other.request(requested, EnumSet.of(DlmFlag.NOQUEUE), null));
		if (held.isCompatibleWith(requested)) {
			assertThat(completion.status()).isEqualTo(DlmStatus.GRANTED);
			assertThat(completion.grantedMode()).isEqualTo(requested);
			assertThat(other.grantedMode()).isEqualTo(requested);
		}
		else {
			assertThat(completion.status()).isEqualTo(DlmStatus.NOT_GRANTED);
			assertThat(completion.grantedMode()).isNull();
			assertThat(other.isEnded()).isTrue();
		}
	}

	// ---- queue order ----

	@Test
	void waitingRequestIsGrantedWhenTheHolderUnlocks() throws Exception {
		DlmLockspace first = openHandle();
		DlmLockspace second = openHandle();
		DlmLockHandle holder = hold(first, R, DlmMode.EX);
		DlmLockHandle waiter = second.newLock(R, null);
		CompletableFuture<DlmCompletion> waiting = waiter.request(DlmMode.EX, Set.of(), null);
		assertWaiting(second, waiting);
		assertThat(waiter.grantedMode()).isNull();
		DlmCompletion unlocked = await(holder.unlock(null));
		assertThat(unlocked.status()).isEqualTo(DlmStatus.UNLOCKED);
		assertThat(unlocked.grantedMode()).isNull();
		assertThat(holder.isEnded()).isTrue();
		assertGranted(await(waiting), DlmMode.EX);
	}

	@Test
	void waitersAreGrantedInArrivalOrder() throws Exception {
		DlmLockspace ls = openHandle();
		DlmLockHandle holder = hold(ls, R, DlmMode.EX);
		CompletableFuture<DlmCompletion> firstWaiter = ls.newLock(R, null).request(DlmMode.EX, Set.of(), null);
		DlmLockHandle second = ls.newLock(R, null);
		CompletableFuture<DlmCompletion> secondWaiter = second.request(DlmMode.EX, Set.of(), null);
		await(holder.unlock(null));
		assertGranted(await(firstWaiter), DlmMode.EX);
		assertWaiting(ls, secondWaiter);
	}

	@Test
	void newRequestWaitsBehindAWaiterEvenWhenCompatibleWithTheHolders() throws Exception {
		DlmLockspace ls = openHandle();
		DlmLockHandle reader = hold(ls, R, DlmMode.PR);
		DlmLockHandle writer = ls.newLock(R, null);
		CompletableFuture<DlmCompletion> writing = writer.request(DlmMode.EX, Set.of(), null);
		CompletableFuture<DlmCompletion> secondReader = ls.newLock(R, null).request(DlmMode.PR, Set.of(), null);
		assertWaiting(ls, secondReader);
		await(reader.unlock(null));
		assertGranted(await(writing), DlmMode.EX);
		assertWaiting(ls, secondReader);
		await(writer.unlock(null));
		assertGranted(await(secondReader), DlmMode.PR);
	}

	@Test
	void noorderRequestIsGrantedPastWaitersWhenCompatible() throws Exception {
		DlmLockspace ls = openHandle();
		hold(ls, R, DlmMode.PR);
		CompletableFuture<DlmCompletion> writing = ls.newLock(R, null).request(DlmMode.EX, Set.of(), null);
		DlmCompletion reading = await(ls.newLock(R, null).request(DlmMode.PR, EnumSet.of(DlmFlag.NOORDER), null));
		assertGranted(reading, DlmMode.PR);
		assertWaiting(ls, writing);
	}

	@Test
	void nlRequestWaitsBehindWaitersWithoutExpedite() throws Exception {
		DlmLockspace ls = openHandle();
		hold(ls, R, DlmMode.EX);
		ls.newLock(R, null).request(DlmMode.PR, Set.of(), null);
		CompletableFuture<DlmCompletion> nl = ls.newLock(R, null).request(DlmMode.NL, Set.of(), null);
		assertWaiting(ls, nl);
	}

	@Test
	void expeditedNlRequestIsGrantedAheadOfTheQueue() throws Exception {
		DlmLockspace ls = openHandle();
		hold(ls, R, DlmMode.EX);
		CompletableFuture<DlmCompletion> waiting = ls.newLock(R, null).request(DlmMode.PR, Set.of(), null);
		DlmCompletion expedited = await(ls.newLock(R, null).request(DlmMode.NL, EnumSet.of(DlmFlag.EXPEDITE), null));
		assertGranted(expedited, DlmMode.NL);
		assertWaiting(ls, waiting);
	}

	@Test
	void headqueRequestGoesToTheHeadOfTheWaitQueue() throws Exception {
		DlmLockspace ls = openHandle();
		DlmLockHandle holder = hold(ls, R, DlmMode.EX);
		CompletableFuture<DlmCompletion> tail = ls.newLock(R, null).request(DlmMode.EX, Set.of(), null);
		CompletableFuture<DlmCompletion> head = ls.newLock(R, null).request(DlmMode.EX, EnumSet.of(DlmFlag.HEADQUE),
				null);
		await(holder.unlock(null));
		assertGranted(await(head), DlmMode.EX);
		assertWaiting(ls, tail);
	}

	// ---- conversions ----

	@Test
	void upConversionWaitsForAnIncompatibleHolderAndKeepsItsModeMeanwhile() throws Exception {
		DlmLockspace ls = openHandle();
		DlmLockHandle other = hold(ls, R, DlmMode.PR);
		DlmLockHandle lock = hold(ls, R, DlmMode.PR);
		CompletableFuture<DlmCompletion> converting = lock.request(DlmMode.EX, Set.of(), null);
		assertWaiting(ls, converting);
		assertThat(lock.grantedMode()).isEqualTo(DlmMode.PR);
		await(other.unlock(null));
		assertGranted(await(converting), DlmMode.EX);
		assertThat(lock.grantedMode()).isEqualTo(DlmMode.EX);
	}

	@Test
	void downConversionIsGrantedAtOnceAndLetsWaitersIn() throws Exception {
		DlmLockspace ls = openHandle();
		DlmLockHandle lock = hold(ls, R, DlmMode.EX);
		CompletableFuture<DlmCompletion> reader = ls.newLock(R, null).request(DlmMode.PR, Set.of(), null);
		assertWaiting(ls, reader);
		assertGranted(await(lock.request(DlmMode.PR, Set.of(), null)), DlmMode.PR);
		assertGranted(await(reader), DlmMode.PR);
	}

	@Test
	void compatibleConversionIsGrantedInPlaceDespiteWaiters() throws Exception {
		DlmLockspace ls = openHandle();
		DlmLockHandle lock = hold(ls, R, DlmMode.NL);
		hold(ls, R, DlmMode.PR);
		CompletableFuture<DlmCompletion> writer = ls.newLock(R, null).request(DlmMode.EX, Set.of(), null);
		assertGranted(await(lock.request(DlmMode.PR, Set.of(), null)), DlmMode.PR);
		assertWaiting(ls, writer);
	}

	@Test
	void conversionsAreGrantedBeforeOlderWaiters() throws Exception {
		DlmLockspace ls = openHandle();
		DlmLockHandle holder = hold(ls, R, DlmMode.EX);
		DlmLockHandle converter = hold(ls, R, DlmMode.NL);
		CompletableFuture<DlmCompletion> waiter = ls.newLock(R, null).request(DlmMode.EX, Set.of(), null);
		CompletableFuture<DlmCompletion> conversion = converter.request(DlmMode.EX, Set.of(), null);
		assertWaiting(ls, conversion);
		await(holder.unlock(null));
		assertGranted(await(conversion), DlmMode.EX);
		assertWaiting(ls, waiter);
	}

	@Test
	void quecvtConversionQueuesBehindEarlierConversions() throws Exception {
		DlmLockspace ls = openHandle();
		DlmLockHandle reader = hold(ls, R, DlmMode.PR);
		DlmLockHandle first = hold(ls, R, DlmMode.NL);
		DlmLockHandle second = hold(ls, R, DlmMode.NL);
		CompletableFuture<DlmCompletion> firstConversion = first.request(DlmMode.EX, Set.of(), null);
		CompletableFuture<DlmCompletion> queued = second.request(DlmMode.PR, EnumSet.of(DlmFlag.QUECVT), null);
		assertWaiting(ls, queued);
		await(reader.unlock(null));
		assertGranted(await(firstConversion), DlmMode.EX);
		assertWaiting(ls, queued);
		await(first.unlock(null));
		assertGranted(await(queued), DlmMode.PR);
	}

	@Test
	void conversionWithoutQuecvtIsGrantedPastEarlierConversions() throws Exception {
		DlmLockspace ls = openHandle();
		hold(ls, R, DlmMode.PR);
		DlmLockHandle first = hold(ls, R, DlmMode.NL);
		DlmLockHandle second = hold(ls, R, DlmMode.NL);
		CompletableFuture<DlmCompletion> firstConversion = first.request(DlmMode.EX, Set.of(), null);
		assertGranted(await(second.request(DlmMode.PR, Set.of(), null)), DlmMode.PR);
		assertWaiting(ls, firstConversion);
	}

	@Test
	void quecvtConversionIsGrantedAtOnceWhenNoConversionWaits() throws Exception {
		DlmLockspace ls = openHandle();
		hold(ls, R, DlmMode.PR);
		DlmLockHandle lock = hold(ls, R, DlmMode.NL);
		assertGranted(await(lock.request(DlmMode.PR, EnumSet.of(DlmFlag.QUECVT), null)), DlmMode.PR);
	}

	@Test
	void conversionDeadlockFailsTheLaterConversionWhichKeepsItsMode() throws Exception {
		DlmLockspace ls = openHandle();
		DlmLockHandle first = hold(ls, R, DlmMode.PR);
		DlmLockHandle second = hold(ls, R, DlmMode.PR);
		CompletableFuture<DlmCompletion> firstConversion = first.request(DlmMode.EX, Set.of(), null);
		DlmCompletion refused = await(second.request(DlmMode.EX, Set.of(), null));
		assertThat(refused.status()).isEqualTo(DlmStatus.DEADLOCK);
		assertThat(refused.grantedMode()).isEqualTo(DlmMode.PR);
		assertThat(second.grantedMode()).isEqualTo(DlmMode.PR);
		assertThat(second.isEnded()).isFalse();
		assertWaiting(ls, firstConversion);
		await(second.unlock(null));
		assertGranted(await(firstConversion), DlmMode.EX);
	}

	@Test
	void convdeadlkDemotesTheLaterConversionToNlAndGoesOn() throws Exception {
		DlmLockspace ls = openHandle();
		DlmLockHandle first = hold(ls, R, DlmMode.PR);
		DlmLockHandle second = hold(ls, R, DlmMode.PR);
		CompletableFuture<DlmCompletion> firstConversion = first.request(DlmMode.EX, Set.of(), null);
		CompletableFuture<DlmCompletion> secondConversion = second.request(DlmMode.EX,
				EnumSet.of(DlmFlag.CONVDEADLK), null);
		assertGranted(await(firstConversion), DlmMode.EX);
		assertWaiting(ls, secondConversion);
		// Not asserted: second.grantedMode() while it waits. The kernel demotes it to NL
		// silently (no callback) and reports the demotion only with the conversion's
		// completion (DEMOTED), so a kernel backend still shows PR here.
		await(first.unlock(null));
		DlmCompletion demoted = await(secondConversion);
		assertGranted(demoted, DlmMode.EX);
		assertThat(demoted.flags()).contains(DlmStatusFlag.DEMOTED);
	}

	// ---- ALT modes ----

	@Test
	void altprGrantsPrWhenTheRequestedModeCannotBe() throws Exception {
		DlmLockspace ls = openHandle();
		hold(ls, R, DlmMode.PR);
		DlmCompletion completion = await(ls.newLock(R, null).request(DlmMode.EX, EnumSet.of(DlmFlag.ALTPR), null));
		assertGranted(completion, DlmMode.PR);
		assertThat(completion.flags()).contains(DlmStatusFlag.ALTMODE);
	}

	@Test
	void altcwGrantsCwWhenTheRequestedModeCannotBe() throws Exception {
		DlmLockspace ls = openHandle();
		hold(ls, R, DlmMode.CW);
		DlmCompletion completion = await(ls.newLock(R, null).request(DlmMode.PW, EnumSet.of(DlmFlag.ALTCW), null));
		assertGranted(completion, DlmMode.CW);
		assertThat(completion.flags()).contains(DlmStatusFlag.ALTMODE);
	}

	@Test
	void altModeIsNotUsedWhenTheRequestedModeCanBeGranted() throws Exception {
		DlmLockspace ls = openHandle();
		hold(ls, R, DlmMode.CR);
		DlmCompletion completion = await(ls.newLock(R, null).request(DlmMode.PW, EnumSet.of(DlmFlag.ALTPR), null));
		assertGranted(completion, DlmMode.PW);
		assertThat(completion.flags()).doesNotContain(DlmStatusFlag.ALTMODE);
	}

	@Test
	void waiterWithAltprIsGrantedPrOnceOnlyPrCanBe() throws Exception {
		DlmLockspace ls = openHandle();
		DlmLockHandle holder = hold(ls, R, DlmMode.EX);
		CompletableFuture<DlmCompletion> waiting = ls.newLock(R, null).request(DlmMode.EX, EnumSet.of(DlmFlag.ALTPR),
				null);
		assertWaiting(ls, waiting);
		await(holder.request(DlmMode.PR, Set.of(), null));
		DlmCompletion completion = await(waiting);
		assertGranted(completion, DlmMode.PR);
		assertThat(completion.flags()).contains(DlmStatusFlag.ALTMODE);
	}

	// ---- NOQUEUE ----

	@Test
	void noqueueRequestThatCannotBeGrantedEndsTheLock() throws Exception {
		DlmLockspace ls = openHandle();
		hold(ls, R, DlmMode.EX);
		DlmLockHandle lock = ls.newLock(R, null);
		DlmCompletion completion = await(lock.request(DlmMode.PR, EnumSet.of(DlmFlag.NOQUEUE), null));
		assertThat(completion.status()).isEqualTo(DlmStatus.NOT_GRANTED);
		assertThat(completion.isGranted()).isFalse();
		assertThat(lock.isEnded()).isTrue();
		assertThat(lock.grantedMode()).isNull();
		assertThatIllegalStateException().isThrownBy(() -> lock.request(DlmMode.NL, Set.of(), null));
	}

	@Test
	void noqueueConversionThatCannotBeGrantedKeepsTheMode() throws Exception {
		DlmLockspace ls = openHandle();
		hold(ls, R, DlmMode.PR);
		DlmLockHandle lock = hold(ls, R, DlmMode.PR);
		DlmCompletion completion = await(lock.request(DlmMode.EX, EnumSet.of(DlmFlag.NOQUEUE), null));
		assertThat(completion.status()).isEqualTo(DlmStatus.NOT_GRANTED);
		assertThat(completion.grantedMode()).isEqualTo(DlmMode.PR);
		assertThat(lock.grantedMode()).isEqualTo(DlmMode.PR);
		assertThat(lock.isEnded()).isFalse();
		assertThat(await(lock.unlock(null)).status()).isEqualTo(DlmStatus.UNLOCKED);
	}

	@Test
	void noqueueRequestSendsNoBlockingCallbackUnlessNoqueuebast() throws Exception {
		DlmLockspace holderSide = openHandle();
		DlmLockspace requesterSide = openHandle();
		BlockingQueue<DlmLockHandle> basts = new LinkedBlockingQueue<>();
		hold(holderSide, R, DlmMode.EX, basts::add);
		await(requesterSide.newLock(R, null).request(DlmMode.EX, EnumSet.of(DlmFlag.NOQUEUE), null));
		settle(holderSide);
		assertThat(basts).isEmpty();
		DlmCompletion refused = await(requesterSide.newLock(R, null)
			.request(DlmMode.EX, EnumSet.of(DlmFlag.NOQUEUE, DlmFlag.NOQUEUEBAST), null));
		assertThat(refused.status()).isEqualTo(DlmStatus.NOT_GRANTED);
		assertThat(basts.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS)).isNotNull();
	}

	// ---- blocking callbacks ----

	@Test
	void blockingCallbackGoesToExactlyTheHoldersThatBlockTheRequest() throws Exception {
		DlmLockspace prSide = openHandle();
		DlmLockspace crSide = openHandle();
		DlmLockspace nlSide = openHandle();
		DlmLockspace requester = openHandle();
		BlockingQueue<DlmLockHandle> prBasts = new LinkedBlockingQueue<>();
		BlockingQueue<DlmLockHandle> crBasts = new LinkedBlockingQueue<>();
		BlockingQueue<DlmLockHandle> nlBasts = new LinkedBlockingQueue<>();
		DlmLockHandle pr = hold(prSide, R, DlmMode.PR, prBasts::add);
		hold(crSide, R, DlmMode.CR, crBasts::add);
		hold(nlSide, R, DlmMode.NL, nlBasts::add);
		CompletableFuture<DlmCompletion> writer = requester.newLock(R, null).request(DlmMode.PW, Set.of(), null);
		assertThat(prBasts.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS)).isSameAs(pr);
		settle(prSide);
		settle(crSide);
		settle(nlSide);
		assertThat(prBasts).isEmpty();
		assertThat(crBasts).isEmpty();
		assertThat(nlBasts).isEmpty();
		await(pr.unlock(null));
		assertGranted(await(writer), DlmMode.PW);
	}

	@Test
	void blockingCallbackGoesToAHolderThatBlocksAConversion() throws Exception {
		DlmLockspace ls = openHandle();
		BlockingQueue<DlmLockHandle> basts = new LinkedBlockingQueue<>();
		DlmLockHandle holder = hold(ls, R, DlmMode.PR, basts::add);
		DlmLockHandle converter = hold(ls, R, DlmMode.PR);
		converter.request(DlmMode.EX, Set.of(), null);
		assertThat(basts.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS)).isSameAs(holder);
	}

	@Test
	void blockingCallbacksAndLaterGrantsRunOnADispatcherThreadNotOnTheCaller() throws Exception {
		DlmLockspace ls = openHandle();
		AtomicReference<Thread> bastThread = new AtomicReference<>();
		CompletableFuture<Thread> completionThread = new CompletableFuture<>();
		BlockingQueue<DlmLockHandle> basts = new LinkedBlockingQueue<>();
		DlmLockHandle holder = hold(ls, R, DlmMode.EX, (lock) -> {
			bastThread.set(Thread.currentThread());
			basts.add(lock);
		});
		CompletableFuture<DlmCompletion> waiting = ls.newLock(R, null).request(DlmMode.EX, Set.of(), null);
		waiting.whenComplete((completion, ex) -> completionThread.complete(Thread.currentThread()));
		assertThat(basts.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS)).isSameAs(holder);
		await(holder.unlock(null));
		assertThat(completionThread.get(TIMEOUT_SECONDS, TimeUnit.SECONDS)).isNotSameAs(Thread.currentThread());
		assertThat(bastThread.get()).isNotNull().isNotSameAs(Thread.currentThread());
	}

	@Test
	void callbacksDoNotHoldTheLockManagerSoAnotherThreadCanUseItMeanwhile() throws Exception {
		DlmLockspace ls = openHandle();
		DlmLockspace other = openHandle();
		// what another thread managed to do while a callback was running
		CompletableFuture<String> fromBast = new CompletableFuture<>();
		CompletableFuture<String> fromGrant = new CompletableFuture<>();
		DlmLockHandle holder = hold(ls, R, DlmMode.EX, (lock) -> fromBast.complete(useFromAnotherThread(other, "b")));
		CompletableFuture<DlmCompletion> waiting = ls.newLock(R, null).request(DlmMode.EX, Set.of(), null);
		waiting.thenRun(() -> fromGrant.complete(useFromAnotherThread(other, "g")));
		assertThat(fromBast.get(TIMEOUT_SECONDS, TimeUnit.SECONDS)).isEqualTo("requested and cancelled");
		await(holder.unlock(null));
		assertGranted(await(waiting), DlmMode.EX);
		assertThat(fromGrant.get(TIMEOUT_SECONDS, TimeUnit.SECONDS)).isEqualTo("requested and cancelled");
	}

	/**
	 * From a callback: lets a new thread request a lock that has to wait and cancel it (calls
	 * that need the lock manager but no callback of the busy dispatcher), and reports what
	 * it managed to do before a timeout.
	 */
	private String useFromAnotherThread(DlmLockspace ls, String name) {
		CompletableFuture<String> done = new CompletableFuture<>();
		Thread thread = new Thread(() -> {
			try {
				DlmLockHandle lock = ls.newLock(R, null);
				lock.request(DlmMode.EX, Set.of(), null);
				done.complete(lock.cancel() ? "requested and cancelled" : "not waiting");
			}
			catch (RuntimeException ex) {
				done.completeExceptionally(ex);
			}
		}, "contract-from-callback-" + name);
		thread.start();
		try {
			return done.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
		}
		catch (Exception ex) {
			return "failed: " + ex;
		}
	}

	// ---- value blocks ----

	@Test
	void freshResourceValueBlockReadsAsZerosAndValid() throws Exception {
		DlmLockspace ls = openHandle();
		DlmLockHandle lock = ls.newLock(R, null);
		DlmCompletion completion = await(lock.request(DlmMode.EX, EnumSet.of(DlmFlag.VALBLK), lvb(7)));
		assertGranted(completion, DlmMode.EX);
		assertThat(completion.valueBlock()).isEqualTo(new byte[32]);
		assertThat(completion.isValueBlockInvalid()).isFalse();
		assertThat(lock.valueBlock()).isEqualTo(new byte[32]);
	}

	@Test
	void downConversionFromExWritesTheValueBlockAndLaterGrantsReadIt() throws Exception {
		DlmLockspace ls = openHandle();
		DlmLockHandle writer = hold(ls, R, DlmMode.EX, EnumSet.of(DlmFlag.VALBLK));
		DlmCompletion written = await(writer.request(DlmMode.NL, EnumSet.of(DlmFlag.VALBLK), lvb(1)));
		assertGranted(written, DlmMode.NL);
		assertThat(written.valueBlock()).isNull();
		DlmLockHandle reader = ls.newLock(R, null);
		DlmCompletion read = await(reader.request(DlmMode.PR, EnumSet.of(DlmFlag.VALBLK), null));
		assertThat(read.valueBlock()).isEqualTo(lvb(1));
		assertThat(reader.valueBlock()).isEqualTo(lvb(1));
		assertThat(read.isValueBlockInvalid()).isFalse();
	}

	@Test
	void upConversionReadsTheValueBlock() throws Exception {
		DlmLockspace ls = openHandle();
		DlmLockHandle reader = hold(ls, R, DlmMode.NL, EnumSet.of(DlmFlag.VALBLK));
		DlmLockHandle writer = hold(ls, R, DlmMode.PW, EnumSet.of(DlmFlag.VALBLK));
		await(writer.request(DlmMode.CR, EnumSet.of(DlmFlag.VALBLK), lvb(2)));
		DlmCompletion read = await(reader.request(DlmMode.PR, EnumSet.of(DlmFlag.VALBLK), null));
		assertThat(read.valueBlock()).isEqualTo(lvb(2));
		assertThat(reader.valueBlock()).isEqualTo(lvb(2));
	}

	@Test
	void conversionWithoutValblkNeitherReadsNorWrites() throws Exception {
		DlmLockspace ls = openHandle();
		DlmLockHandle keeper = hold(ls, R, DlmMode.NL);
		DlmLockHandle writer = hold(ls, R, DlmMode.EX, EnumSet.of(DlmFlag.VALBLK));
		await(writer.request(DlmMode.NL, EnumSet.of(DlmFlag.VALBLK), lvb(3)));
		await(writer.request(DlmMode.EX, Set.of(), null));
		DlmCompletion notWritten = await(writer.request(DlmMode.NL, Set.of(), null));
		assertThat(notWritten.valueBlock()).isNull();
		DlmCompletion read = await(keeper.request(DlmMode.PR, EnumSet.of(DlmFlag.VALBLK), null));
		assertThat(read.valueBlock()).isEqualTo(lvb(3));
	}

	@Test
	void unlockFromExWritesTheValueBlockWhenTheLastRequestHadValblk() throws Exception {
		DlmLockspace ls = openHandle();
		DlmLockHandle keeper = hold(ls, R, DlmMode.NL);
		DlmLockHandle writer = hold(ls, R, DlmMode.EX, EnumSet.of(DlmFlag.VALBLK));
		await(writer.unlock(lvb(4)));
		DlmCompletion read = await(keeper.request(DlmMode.PR, EnumSet.of(DlmFlag.VALBLK), null));
		assertThat(read.valueBlock()).isEqualTo(lvb(4));
	}

	@Test
	void unlockFromExPublishesExactlyTheGivenValueBlock() throws Exception {
		DlmLockspace ls = openHandle();
		DlmLockHandle keeper = hold(ls, R, DlmMode.NL);
		for (int round = 0; round < 3; round++) {
			byte[] value = pattern(round);
			DlmLockHandle writer = hold(ls, R, DlmMode.EX, EnumSet.of(DlmFlag.VALBLK));
			DlmCompletion unlocked = await(writer.unlock(value));
			assertThat(unlocked.status()).isEqualTo(DlmStatus.UNLOCKED);
			DlmCompletion read = await(keeper.request(DlmMode.PR, EnumSet.of(DlmFlag.VALBLK), null));
			assertThat(read.valueBlock()).as("round %d", round).isEqualTo(value);
			assertThat(read.isValueBlockInvalid()).isFalse();
			await(keeper.request(DlmMode.NL, Set.of(), null));
		}
	}

	@Test
	void unlockFromPwWithoutAValueRepublishesTheValueTheLockRead() throws Exception {
		DlmLockspace ls = openHandle();
		DlmLockHandle keeper = hold(ls, R, DlmMode.NL);
		DlmLockHandle first = hold(ls, R, DlmMode.EX, EnumSet.of(DlmFlag.VALBLK));
		await(first.unlock(pattern(7)));
		DlmLockHandle second = ls.newLock(R, null);
		DlmCompletion granted = await(second.request(DlmMode.PW, EnumSet.of(DlmFlag.VALBLK), null));
		assertThat(granted.valueBlock()).isEqualTo(pattern(7));
		await(second.unlock(null));
		DlmCompletion read = await(keeper.request(DlmMode.PR, EnumSet.of(DlmFlag.VALBLK), null));
		assertThat(read.valueBlock()).as("not garbage: the value the PW holder read").isEqualTo(pattern(7));
	}

	@Test
	void unlockFromExDoesNotWriteWhenTheLastRequestHadNoValblk() throws Exception {
		DlmLockspace ls = openHandle();
		DlmLockHandle keeper = hold(ls, R, DlmMode.NL);
		DlmLockHandle writer = hold(ls, R, DlmMode.EX, EnumSet.of(DlmFlag.VALBLK));
		await(writer.request(DlmMode.NL, EnumSet.of(DlmFlag.VALBLK), lvb(5)));
		await(writer.request(DlmMode.EX, Set.of(), null));
		await(writer.unlock(lvb(6)));
		DlmCompletion read = await(keeper.request(DlmMode.PR, EnumSet.of(DlmFlag.VALBLK), null));
		assertThat(read.valueBlock()).isEqualTo(lvb(5));
	}

	@Test
	void unlockFromPrDoesNotWriteTheValueBlock() throws Exception {
		DlmLockspace ls = openHandle();
		DlmLockHandle keeper = hold(ls, R, DlmMode.NL);
		DlmLockHandle reader = hold(ls, R, DlmMode.PR, EnumSet.of(DlmFlag.VALBLK));
		await(reader.unlock(lvb(8)));
		DlmCompletion read = await(keeper.request(DlmMode.PR, EnumSet.of(DlmFlag.VALBLK), null));
		assertThat(read.valueBlock()).isEqualTo(new byte[32]);
	}

	@Test
	void ivvalblkInvalidatesTheValueBlockUntilTheNextWrite() throws Exception {
		DlmLockspace ls = openHandle();
		DlmLockHandle reader = hold(ls, R, DlmMode.NL, EnumSet.of(DlmFlag.VALBLK));
		DlmLockHandle writer = hold(ls, R, DlmMode.EX, EnumSet.of(DlmFlag.VALBLK));
		await(writer.request(DlmMode.NL, EnumSet.of(DlmFlag.VALBLK), lvb(9)));
		await(writer.request(DlmMode.EX, EnumSet.of(DlmFlag.VALBLK), null));
		await(writer.request(DlmMode.NL, EnumSet.of(DlmFlag.IVVALBLK), null));
		DlmCompletion invalid = await(reader.request(DlmMode.PR, EnumSet.of(DlmFlag.VALBLK), null));
		assertThat(invalid.isValueBlockInvalid()).isTrue();
		await(reader.request(DlmMode.NL, Set.of(), null));
		await(writer.request(DlmMode.EX, EnumSet.of(DlmFlag.VALBLK), null));
		await(writer.request(DlmMode.NL, EnumSet.of(DlmFlag.VALBLK), lvb(10)));
		DlmCompletion valid = await(reader.request(DlmMode.PR, EnumSet.of(DlmFlag.VALBLK), null));
		assertThat(valid.isValueBlockInvalid()).isFalse();
		assertThat(valid.valueBlock()).isEqualTo(lvb(10));
	}

	@Test
	void valueBlockIsLostWhenTheLastLockOnTheResourceGoes() throws Exception {
		DlmLockspace ls = openHandle();
		DlmLockHandle writer = hold(ls, R, DlmMode.EX, EnumSet.of(DlmFlag.VALBLK));
		await(writer.request(DlmMode.NL, EnumSet.of(DlmFlag.VALBLK), lvb(11)));
		await(writer.unlock(null));
		DlmCompletion read = await(ls.newLock(R, null).request(DlmMode.PR, EnumSet.of(DlmFlag.VALBLK), null));
		assertThat(read.valueBlock()).isEqualTo(new byte[32]);
	}

	@Test
	void failedRequestDoesNotTouchTheValueBlockBuffer() throws Exception {
		DlmLockspace ls = openHandle();
		hold(ls, R, DlmMode.EX);
		DlmLockHandle lock = ls.newLock(R, null);
		DlmCompletion refused = await(lock.request(DlmMode.PR, EnumSet.of(DlmFlag.VALBLK, DlmFlag.NOQUEUE), lvb(12)));
		assertThat(refused.valueBlock()).isNull();
		assertThat(lock.valueBlock()).isEqualTo(lvb(12));
	}

	// ---- cancel ----

	@Test
	void cancellingAWaitingRequestEndsTheLockAndLetsTheQueueMoveOn() throws Exception {
		DlmLockspace ls = openHandle();
		DlmLockHandle holder = hold(ls, R, DlmMode.EX);
		DlmLockHandle cancelled = ls.newLock(R, null);
		CompletableFuture<DlmCompletion> first = cancelled.request(DlmMode.EX, Set.of(), null);
		CompletableFuture<DlmCompletion> second = ls.newLock(R, null).request(DlmMode.PR, Set.of(), null);
		assertThat(cancelled.cancel()).isTrue();
		DlmCompletion completion = await(first);
		assertThat(completion.status()).isEqualTo(DlmStatus.CANCELLED);
		assertThat(completion.grantedMode()).isNull();
		assertThat(cancelled.isEnded()).isTrue();
		await(holder.unlock(null));
		assertGranted(await(second), DlmMode.PR);
	}

	@Test
	void cancellingAConversionKeepsTheGrantedMode() throws Exception {
		DlmLockspace ls = openHandle();
		hold(ls, R, DlmMode.PR);
		DlmLockHandle lock = hold(ls, R, DlmMode.PR);
		CompletableFuture<DlmCompletion> conversion = lock.request(DlmMode.EX, Set.of(), null);
		assertWaiting(ls, conversion);
		assertThat(lock.cancel()).isTrue();
		DlmCompletion completion = await(conversion);
		assertThat(completion.status()).isEqualTo(DlmStatus.CANCELLED);
		assertThat(completion.grantedMode()).isEqualTo(DlmMode.PR);
		assertThat(lock.grantedMode()).isEqualTo(DlmMode.PR);
		assertThat(lock.isEnded()).isFalse();
		assertThat(await(lock.unlock(null)).status()).isEqualTo(DlmStatus.UNLOCKED);
	}

	@Test
	void cancelWithNothingInFlightReturnsFalseAndChangesNothing() throws Exception {
		DlmLockspace ls = openHandle();
		DlmLockHandle unused = ls.newLock(R, null);
		assertThat(unused.cancel()).isFalse();
		DlmLockHandle lock = ls.newLock(R, null);
		CompletableFuture<DlmCompletion> granted = lock.request(DlmMode.EX, Set.of(), null);
		assertGranted(await(granted), DlmMode.EX);
		assertThat(lock.cancel()).isFalse();
		settle(ls);
		assertThat(lock.grantedMode()).isEqualTo(DlmMode.EX);
		assertThat(await(granted).status()).isEqualTo(DlmStatus.GRANTED);
	}

	// ---- misuse ----

	@Test
	void unlockWhileARequestIsInFlightIsRefusedWithAHintToCancel() throws Exception {
		DlmLockspace ls = openHandle();
		hold(ls, R, DlmMode.EX);
		DlmLockHandle lock = ls.newLock(R, null);
		lock.request(DlmMode.EX, Set.of(), null);
		assertThatIllegalStateException().isThrownBy(() -> lock.unlock(null)).withMessageContaining("cancel");
		assertThatIllegalStateException().isThrownBy(() -> lock.request(DlmMode.PR, Set.of(), null));
		assertThat(lock.cancel()).isTrue();
	}

	@Test
	void anEndedLockCannotBeUsedAgain() throws Exception {
		DlmLockspace ls = openHandle();
		DlmLockHandle lock = hold(ls, R, DlmMode.EX);
		await(lock.unlock(null));
		assertThat(lock.isEnded()).isTrue();
		assertThatIllegalStateException().isThrownBy(() -> lock.unlock(null));
		assertThatIllegalStateException().isThrownBy(() -> lock.request(DlmMode.EX, Set.of(), null));
		assertThat(lock.cancel()).isFalse();
	}

	@Test
	void unlockOfANeverRequestedLockIsRefused() {
		DlmLockspace ls = openHandle();
		assertThatIllegalStateException().isThrownBy(() -> ls.newLock(R, null).unlock(null));
	}

	@Test
	void badInputIsRefusedWithTheRuleInTheMessage() throws Exception {
		DlmLockspace ls = openHandle();
		assertThatIllegalArgumentException().isThrownBy(() -> ls.newLock(DlmResourceName.of(new byte[0]), null));
		assertThatIllegalArgumentException().isThrownBy(() -> ls.newLock(DlmResourceName.of(new byte[65]), null))
			.withMessageContaining("64");
		DlmLockHandle lock = ls.newLock(R, null);
		assertThatIllegalArgumentException()
			.isThrownBy(() -> lock.request(DlmMode.EX, EnumSet.of(DlmFlag.VALBLK), new byte[31]))
			.withMessageContaining("32");
		assertThatIllegalArgumentException().isThrownBy(() -> lock.request(DlmMode.EX, Set.of(), new byte[32]))
			.withMessageContaining("VALBLK");
		assertThatIllegalArgumentException().isThrownBy(() -> this.client.openLockspace("bad name!", LockspaceOptions.DEFAULTS));
		assertThat(lock.isEnded()).isFalse();
		assertGranted(await(lock.request(DlmMode.PR, Set.of(), null)), DlmMode.PR);
		assertThatIllegalArgumentException().isThrownBy(() -> lock.unlock(new byte[33])).withMessageContaining("32");
	}

	@Test
	void nullModeOrFlagsAreRefusedNamingTheArgumentAndLoseNothing() throws Exception {
		DlmLockspace ls = openHandle();
		DlmLockHandle lock = ls.newLock(R, null);
		assertThatNullPointerException().isThrownBy(() -> lock.request(null, Set.of(), null))
			.withMessageContaining("mode");
		assertThatNullPointerException().isThrownBy(() -> lock.request(DlmMode.EX, null, null))
			.withMessageContaining("Set.of()");
		assertGranted(await(lock.request(DlmMode.EX, Set.of(), null)), DlmMode.EX);
	}

	static List<Arguments> invalidNewRequests() {
		return List.of(Arguments.of(DlmMode.EX, EnumSet.of(DlmFlag.QUECVT)),
				Arguments.of(DlmMode.EX, EnumSet.of(DlmFlag.CONVDEADLK)),
				Arguments.of(DlmMode.PR, EnumSet.of(DlmFlag.EXPEDITE)),
				Arguments.of(DlmMode.NL, EnumSet.of(DlmFlag.EXPEDITE, DlmFlag.NOQUEUE)));
	}

	@ParameterizedTest(name = "{0} {1}")
	@MethodSource("invalidNewRequests")
	void invalidFlagCombinationOnANewRequestIsRefused(DlmMode mode, Set<DlmFlag> flags) {
		DlmLockspace ls = openHandle();
		DlmLockHandle lock = ls.newLock(R, null);
		assertThatIllegalArgumentException().isThrownBy(() -> lock.request(mode, flags, null));
		assertThat(lock.isEnded()).isFalse();
	}

	static List<Arguments> invalidConversions() {
		return List.of(Arguments.of(DlmMode.EX, EnumSet.of(DlmFlag.CONVDEADLK, DlmFlag.NOQUEUE)),
				Arguments.of(DlmMode.NL, EnumSet.of(DlmFlag.EXPEDITE)),
				Arguments.of(DlmMode.NL, EnumSet.of(DlmFlag.QUECVT)),
				Arguments.of(DlmMode.PR, EnumSet.of(DlmFlag.QUECVT)));
	}

	@ParameterizedTest(name = "PR to {0} {1}")
	@MethodSource("invalidConversions")
	void invalidFlagCombinationOnAConversionIsRefusedAndTheLockKeepsItsMode(DlmMode mode, Set<DlmFlag> flags)
			throws Exception {
		DlmLockspace ls = openHandle();
		DlmLockHandle lock = hold(ls, R, DlmMode.PR);
		assertThatIllegalArgumentException().isThrownBy(() -> lock.request(mode, flags, null));
		assertThat(lock.grantedMode()).isEqualTo(DlmMode.PR);
		assertThat(await(lock.unlock(null)).status()).isEqualTo(DlmStatus.UNLOCKED);
	}

	// ---- lockspaces ----

	@Test
	void openingAMissingLockspaceWithoutCreateFailsWithNotFound() {
		assertThatThrownBy(() -> this.client.openLockspace(uniqueLockspaceName(), new LockspaceOptions(false, 0600, false)))
			.isInstanceOf(DlmLockspaceNotFoundException.class)
			.hasMessageContaining("ENOENT");
	}

	@Test
	void openingAnExistingLockspaceWithoutCreateSharesItsResources() throws Exception {
		DlmLockspace creator = openHandle();
		DlmLockspace opener = this.client.openLockspace(this.lockspaceName, new LockspaceOptions(false, 0600, false));
		this.handles.add(opener);
		hold(creator, R, DlmMode.EX);
		DlmCompletion completion = await(opener.newLock(R, null).request(DlmMode.EX, EnumSet.of(DlmFlag.NOQUEUE), null));
		assertThat(completion.status()).isEqualTo(DlmStatus.NOT_GRANTED);
	}

	@Test
	void closingAHandleReleasesItsLocksAndWakesOtherWaiters() throws Exception {
		DlmLockspace closing = openHandle();
		DlmLockspace other = openHandle();
		DlmLockHandle held = hold(closing, R, DlmMode.EX);
		CompletableFuture<DlmCompletion> waiting = other.newLock(R, null).request(DlmMode.EX, Set.of(), null);
		assertWaiting(other, waiting);
		closing.close();
		assertGranted(await(waiting), DlmMode.EX);
		assertThat(held.isEnded()).isTrue();
		assertThatIllegalStateException().isThrownBy(() -> closing.newLock(R, null));
	}

	@Test
	void closingAHandleCancelsItsWaitingRequests() throws Exception {
		DlmLockspace holderSide = openHandle();
		DlmLockspace closing = openHandle();
		hold(holderSide, R, DlmMode.EX);
		DlmLockHandle waiter = closing.newLock(R, null);
		CompletableFuture<DlmCompletion> waiting = waiter.request(DlmMode.EX, Set.of(), null);
		closing.close();
		assertThat(await(waiting).status()).isEqualTo(DlmStatus.CANCELLED);
		assertThat(waiter.isEnded()).isTrue();
	}

	@Test
	void closingAHandleThatHoldsExInvalidatesTheValueBlock() throws Exception {
		DlmLockspace keeperSide = openHandle();
		DlmLockspace closing = openHandle();
		DlmLockHandle keeper = hold(keeperSide, R, DlmMode.NL, EnumSet.of(DlmFlag.VALBLK));
		DlmLockHandle writer = hold(closing, R, DlmMode.EX, EnumSet.of(DlmFlag.VALBLK));
		await(writer.request(DlmMode.NL, EnumSet.of(DlmFlag.VALBLK), lvb(13)));
		await(writer.request(DlmMode.EX, EnumSet.of(DlmFlag.VALBLK), null));
		closing.close();
		DlmCompletion read = await(keeper.request(DlmMode.PR, EnumSet.of(DlmFlag.VALBLK), null));
		assertGranted(read, DlmMode.PR);
		assertThat(read.isValueBlockInvalid()).isTrue();
	}

	// ---- helpers ----

	/** Requests a lock, waits for the grant and checks it. */
	protected DlmLockHandle hold(DlmLockspace ls, DlmResourceName resource, DlmMode mode) throws Exception {
		return hold(ls, resource, mode, EnumSet.noneOf(DlmFlag.class), null);
	}

	protected DlmLockHandle hold(DlmLockspace ls, DlmResourceName resource, DlmMode mode, Set<DlmFlag> flags)
			throws Exception {
		return hold(ls, resource, mode, flags, null);
	}

	protected DlmLockHandle hold(DlmLockspace ls, DlmResourceName resource, DlmMode mode,
			io.github.dlm.core.DlmBlockingListener listener) throws Exception {
		return hold(ls, resource, mode, EnumSet.noneOf(DlmFlag.class), listener);
	}

	protected DlmLockHandle hold(DlmLockspace ls, DlmResourceName resource, DlmMode mode, Set<DlmFlag> flags,
			io.github.dlm.core.@org.jspecify.annotations.Nullable DlmBlockingListener listener) throws Exception {
		DlmLockHandle lock = ls.newLock(resource, listener);
		assertGranted(await(lock.request(mode, flags, null)), mode);
		return lock;
	}

	protected static void assertGranted(DlmCompletion completion, DlmMode mode) {
		assertThat(completion.status()).as("status of %s", completion).isEqualTo(DlmStatus.GRANTED);
		assertThat(completion.grantedMode()).as("granted mode of %s", completion).isEqualTo(mode);
	}

	/**
	 * Runs a probe lock to completion on the handle, so that every callback queued for the
	 * handle before has been delivered.
	 */
	protected void settle(DlmLockspace ls) throws Exception {
		DlmLockHandle probe = ls.newLock(DlmResourceName.of("probe-" + this.probes.incrementAndGet()), null);
		assertGranted(await(probe.request(DlmMode.NL, Set.of(), null)), DlmMode.NL);
		assertThat(await(probe.unlock(null)).status()).isEqualTo(DlmStatus.UNLOCKED);
	}

	/** Checks that a request of the given handle is still waiting. */
	protected void assertWaiting(DlmLockspace ls, CompletableFuture<DlmCompletion> future) throws Exception {
		settle(ls);
		assertThat(future).as("a request that should still wait").isNotDone();
	}

	/** A value block whose 32 bytes are {@code fill, fill+1, ...}. */
	/** 32 bytes that all differ, seeded: garbage or a fill pattern cannot pass for it. */
	protected static byte[] pattern(int seed) {
		byte[] bytes = new byte[32];
		for (int i = 0; i < bytes.length; i++) {
			bytes[i] = (byte) (seed * 37 + i * 11 + 1);
		}
		return bytes;
	}

	protected static byte[] lvb(int fill) {
		byte[] bytes = new byte[32];
		for (int i = 0; i < bytes.length; i++) {
			bytes[i] = (byte) (fill + i);
		}
		return bytes;
	}

	@Override
	public String toString() {
		return getClass().getSimpleName() + Arrays.asList(this.lockspaceName);
	}

}
