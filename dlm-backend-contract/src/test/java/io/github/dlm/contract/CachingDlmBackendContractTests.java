package io.github.dlm.contract;

import java.util.EnumSet;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import io.github.dlm.caching.CachingDlmClient;
import io.github.dlm.core.DlmClient;
import io.github.dlm.core.DlmCompletion;
import io.github.dlm.core.DlmFlag;
import io.github.dlm.core.DlmLockHandle;
import io.github.dlm.core.DlmLockspace;
import io.github.dlm.core.DlmMode;
import io.github.dlm.core.DlmResourceName;
import io.github.dlm.core.DlmStatus;
import io.github.dlm.local.LocalDlmClient;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static io.github.dlm.contract.Completions.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The backend contract, run on node-level caching over the local engine: each lockspace
 * handle the tests open is a node with its own node locks. Every test of the contract runs;
 * two differ by design and are replaced here by what caching does instead.
 */
class CachingDlmBackendContractTests extends DlmBackendContractTests {

	private static final DlmResourceName R = DlmResourceName.of("resource");

	@Override
	protected DlmClient createClient() {
		return new CachingDlmClient(new LocalDlmClient());
	}

	/**
	 * By design: the node lock stays granted after the last local lock goes, and with it
	 * the resource and its value block (in the lock manager too), until another node wants
	 * the lock, the idle timeout or close.
	 */
	@Test
	@Override
	@DisplayName("valueBlockIsLostWhenTheLastLockOnTheResourceGoes: by design, the cached node lock keeps it")
	void valueBlockIsLostWhenTheLastLockOnTheResourceGoes() throws Exception {
		DlmLockspace ls = openHandle();
		DlmLockHandle writer = hold(ls, R, DlmMode.EX, EnumSet.of(DlmFlag.VALBLK));
		await(writer.request(DlmMode.NL, EnumSet.of(DlmFlag.VALBLK), lvb(11)));
		await(writer.unlock(null));
		DlmCompletion read = await(ls.newLock(R, null).request(DlmMode.PR, EnumSet.of(DlmFlag.VALBLK), null));
		assertThat(read.valueBlock()).isEqualTo(lvb(11));
	}

	/**
	 * By design: a value block written by a local holder stays in the node's copy until the
	 * node lock is released or converted down; a handle closed before that loses the write.
	 * The lock manager's own value block was never written, and a never-written value block
	 * is not reported invalid (the kernel's {@code set_lvb_lock} returns before it sets
	 * {@code VALNOTVALID} when the resource has none), so the reader sees the zeros from
	 * before the write.
	 */
	@Test
	@Override
	@DisplayName("closingAHandleThatHoldsExInvalidatesTheValueBlock: by design, an unpublished local write is lost")
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
		assertThat(read.valueBlock()).isEqualTo(new byte[32]);
	}


	/**
	 * By design: a NOQUEUE request always reaches the other nodes with NOQUEUEBAST, so that a
	 * node caching the lock without using it lets it go and the next {@code tryLock()} there
	 * can succeed (else it would be refused until the idle release). A local holder on the
	 * caching node therefore gets a blocking callback for a plain NOQUEUE request too.
	 */
	@Test
	@Override
	@DisplayName("noqueueRequestSendsNoBlockingCallbackUnlessNoqueuebast: by design, a remote NOQUEUE asks the node to let go")
	void noqueueRequestSendsNoBlockingCallbackUnlessNoqueuebast() throws Exception {
		DlmLockspace holderSide = openHandle();
		DlmLockspace requesterSide = openHandle();
		BlockingQueue<DlmLockHandle> basts = new LinkedBlockingQueue<>();
		hold(holderSide, R, DlmMode.EX, basts::add);
		DlmCompletion refused = await(
				requesterSide.newLock(R, null).request(DlmMode.EX, EnumSet.of(DlmFlag.NOQUEUE), null));
		assertThat(refused.status()).isEqualTo(DlmStatus.NOT_GRANTED);
		assertThat(basts.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS)).isNotNull();
	}

}
