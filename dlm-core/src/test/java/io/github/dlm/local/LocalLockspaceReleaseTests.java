package io.github.dlm.local;

import java.util.Set;
import java.util.concurrent.CompletableFuture;

import io.github.dlm.core.DlmCompletion;
import io.github.dlm.core.DlmLockHandle;
import io.github.dlm.core.DlmLockspace;
import io.github.dlm.core.DlmLockspaceNotFoundException;
import io.github.dlm.core.DlmMode;
import io.github.dlm.core.DlmResourceName;
import io.github.dlm.core.DlmStatus;
import io.github.dlm.core.LockspaceOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static io.github.dlm.local.Completions.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Releasing a lockspace of the local engine, where the other handles on it stand for the
 * other processes of a node: without force the lockspace stays while others use it, with
 * force they lose their locks and it is gone. The no-directory option is accepted and
 * changes nothing.
 */
class LocalLockspaceReleaseTests {

	private static final DlmResourceName R = DlmResourceName.of("r");

	private static final LockspaceOptions OPEN_ONLY = new LockspaceOptions(false, 0600, false);

	private final LocalDlmClient client = new LocalDlmClient("release-");

	@AfterEach
	void close() {
		this.client.close();
	}

	@Test
	void aReleaseWithoutForceKeepsALockspaceOthersUse() {
		DlmLockspace mine = this.client.openLockspace("shared", LockspaceOptions.DEFAULTS);
		DlmLockspace other = this.client.openLockspace("shared", LockspaceOptions.DEFAULTS);
		DlmLockHandle held = other.newLock(R, null);
		assertThat(await(held.request(DlmMode.EX, Set.of(), null)).status()).isEqualTo(DlmStatus.GRANTED);
		mine.release(false);
		assertThat(held.grantedMode()).isEqualTo(DlmMode.EX);
		assertThat(this.client.dump("shared")).hasSize(1);
		other.close();
	}

	@Test
	void aReleaseWithoutForceForgetsAnUnusedLockspace() {
		this.client.openLockspace("alone", LockspaceOptions.DEFAULTS).release(false);
		assertThatExceptionOfType(DlmLockspaceNotFoundException.class)
			.isThrownBy(() -> this.client.openLockspace("alone", OPEN_ONLY));
	}

	@Test
	void aForcedReleaseEndsTheLocksOfEveryOtherUserAndForgetsTheLockspace() {
		DlmLockspace mine = this.client.openLockspace("shared", LockspaceOptions.DEFAULTS);
		DlmLockspace other = this.client.openLockspace("shared", LockspaceOptions.DEFAULTS);
		DlmLockHandle held = other.newLock(R, null);
		assertThat(await(held.request(DlmMode.EX, Set.of(), null)).status()).isEqualTo(DlmStatus.GRANTED);
		DlmLockHandle waiting = other.newLock(R, null);
		CompletableFuture<DlmCompletion> request = waiting.request(DlmMode.EX, Set.of(), null);
		mine.release(true);
		assertThat(held.isEnded()).isTrue();
		assertThat(await(request).status()).isEqualTo(DlmStatus.CANCELLED);
		assertThatExceptionOfType(DlmLockspaceNotFoundException.class)
			.isThrownBy(() -> this.client.openLockspace("shared", OPEN_ONLY));
	}

	@Test
	void noDirectoryIsAcceptedAndChangesNothingLocally() {
		DlmLockspace lockspace = this.client.openLockspace("nodir", new LockspaceOptions(true, 0600, false, true));
		DlmLockHandle lock = lockspace.newLock(R, null);
		assertThat(await(lock.request(DlmMode.EX, Set.of(), null)).status()).isEqualTo(DlmStatus.GRANTED);
		assertThat(LockspaceOptions.DEFAULTS.noDirectory()).isFalse();
		lockspace.close();
	}

}
