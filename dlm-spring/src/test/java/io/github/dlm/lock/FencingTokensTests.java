package io.github.dlm.lock;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.github.dlm.core.DlmException;
import io.github.dlm.core.DlmFlag;
import io.github.dlm.core.DlmLockHandle;
import io.github.dlm.core.DlmMode;
import io.github.dlm.core.DlmRequest;
import io.github.dlm.core.DlmResourceName;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.awaitility.Awaitility.await;

/**
 * Fencing tokens on the local engine: one per grant in PW or EX, strictly increasing across
 * threads, lock objects, asynchronous holds and registries of one lockspace, kept by
 * re-entries, new on a conversion up into PW or EX, and still increasing when the token's
 * value block is lost or marked invalid.
 */
class FencingTokensTests {

	@RegisterExtension
	final LocalLockspaceExtension local = new LocalLockspaceExtension("fencing");

	private DlmLockRegistry registry;

	@BeforeEach
	void setUp() {
		this.registry = this.local.registry();
		this.registry.setFencingTokens(true);
	}

	@Test
	void offByDefaultAndSaysHowToTurnThemOn() {
		DlmLockRegistry plain = new DlmLockRegistry(this.local.lockspace());
		assertThat(plain.isFencingTokens()).isFalse();
		DlmLock lock = plain.obtain("plain");
		lock.lock();
		try {
			assertThatIllegalStateException().isThrownBy(lock::fencingToken)
				.withMessageContaining("dlm.registry.fencing-tokens.enabled");
		}
		finally {
			lock.unlock();
		}
		assertThat(this.local.dump()).isEmpty();
	}

	@Test
	void eachGrantInExOrPwTakesTheNextToken() {
		long first = tokenOf(this.registry.obtain("orders"));
		long second = tokenOf(this.registry.obtain("orders", DlmMode.PW));
		long third = tokenOf(this.registry.obtain("orders"));
		assertThat(first).isPositive();
		assertThat(second).isEqualTo(first + 1);
		assertThat(third).isEqualTo(first + 2);
		assertThat(FencingTokens.epoch(third)).isEqualTo(FencingTokens.epoch(first));
		assertThat(FencingTokens.counter(first)).isZero();
		assertThat(tokenOf(this.registry.obtain("other"))).as("a new resource's first token, above this JVM's")
			.isGreaterThan(third);
		assertThat(tokenOf(this.registry.obtain("orders"))).isEqualTo(first + 3);
	}

	@Test
	void onlyPwAndExGrantsHaveATokenAndPrTakesNone() {
		long before = tokenOf(this.registry.obtain("reports"));
		DlmLock read = this.registry.obtain("reports", DlmMode.PR);
		read.lock();
		try {
			assertThatIllegalStateException().isThrownBy(read::fencingToken).withMessageContaining("held in PR");
		}
		finally {
			read.unlock();
		}
		assertThat(tokenOf(this.registry.obtain("reports"))).isEqualTo(before + 1);
	}

	@Test
	void reentryAndConversionsBetweenPwAndExKeepTheToken() {
		DlmLock lock = this.registry.obtain("ledger", DlmMode.PW);
		lock.lock();
		try {
			long token = lock.fencingToken();
			DlmLock exclusive = this.registry.obtain("ledger", DlmMode.EX);
			exclusive.lock();
			try {
				assertThat(exclusive.getHeldMode()).isEqualTo(DlmMode.EX);
				assertThat(exclusive.fencingToken()).isEqualTo(token);
			}
			finally {
				exclusive.unlock();
			}
			lock.lock();
			lock.unlock();
			assertThat(lock.fencingToken()).isEqualTo(token);
		}
		finally {
			lock.unlock();
		}
	}

	@Test
	void conversionUpFromAWeakerModeIsANewGrantWithANewToken() {
		long before = tokenOf(this.registry.obtain("stock"));
		DlmLock read = this.registry.obtain("stock", DlmMode.PR);
		DlmLock write = this.registry.obtain("stock", DlmMode.EX);
		read.lock();
		try {
			write.lock(); // re-entry converting PR up to EX
			try {
				assertThat(write.fencingToken()).isEqualTo(before + 1);
			}
			finally {
				write.unlock();
			}
			assertThatIllegalStateException().as("back in PR").isThrownBy(read::fencingToken);
			read.convert(DlmMode.EX);
			assertThat(read.fencingToken()).isEqualTo(before + 2);
			read.convert(DlmMode.NL);
			assertThatIllegalStateException().isThrownBy(read::fencingToken).withMessageContaining("held in NL");
		}
		finally {
			read.unlock();
		}
		assertThat(tokenOf(write)).isEqualTo(before + 3);
	}

	@Test
	void asynchronousHoldsGetTokensToo() throws Exception {
		DlmLock lock = this.registry.obtain("async");
		long before = tokenOf(lock);
		try (DlmHold hold = lock.lockAsync().get(30, TimeUnit.SECONDS)) {
			assertThat(hold.fencingToken()).isEqualTo(before + 1);
		}
		try (DlmHold hold = lock.tryLockAsync(Duration.ZERO).get(30, TimeUnit.SECONDS).orElseThrow()) {
			assertThat(hold.fencingToken()).isEqualTo(before + 2);
		}
		try (DlmHold shared = this.registry.obtain("async", DlmMode.PR).lockAsync().get(30, TimeUnit.SECONDS)) {
			assertThatIllegalStateException().isThrownBy(shared::fencingToken);
		}
	}

	@Test
	void tokensStrictlyIncreaseAcrossThreadsLockObjectsAndRegistries() throws Exception {
		List<DlmLockRegistry> registries = List.of(this.registry, fencingRegistry(), fencingRegistry());
		List<Long> granted = Collections.synchronizedList(new ArrayList<>());
		int threads = 8;
		int grants = 200;
		List<Future<?>> running = new ArrayList<>();
		for (int t = 0; t < threads; t++) {
			int thread = t;
			running.add(this.local.executor().submit(() -> {
				for (int i = 0; i < grants; i++) {
					DlmLockRegistry registry = registries.get((thread + i) % registries.size());
					DlmMode mode = ((thread + i) % 2 == 0) ? DlmMode.EX : DlmMode.PW;
					if (i % 5 == 4) {
						try (DlmHold hold = registry.obtain("shared", mode).lockAsync().join()) {
							// recorded under the lock: the list's order is the order of the grants
							granted.add(hold.fencingToken());
						}
					}
					else {
						DlmLock lock = registry.obtain("shared", mode);
						lock.lock();
						try {
							granted.add(lock.fencingToken());
						}
						finally {
							lock.unlock();
						}
					}
					if (i % 50 == 49) {
						registry.expireUnusedOlderThan(0);
					}
				}
				return null;
			}));
		}
		for (Future<?> future : running) {
			future.get(LocalLockspaceExtension.TIMEOUT.toSeconds(), TimeUnit.SECONDS);
		}
		assertThat(granted).hasSize(threads * grants).isSortedAccordingTo(Long::compare).doesNotHaveDuplicates();
		registries.forEach(DlmLockRegistry::close);
		this.local.awaitEmpty();
	}

	@Test
	void aLostBlockReseedsAboveEveryEarlierTokenOnceTheClockMovedOn() {
		long last = tokenOf(this.registry.obtain("nightly"));
		this.registry.close();
		// no lock left anywhere on the companion: the lock manager forgot the last token
		this.local.awaitEmpty();
		await("the wall clock past the earlier epoch").atMost(LocalLockspaceExtension.TIMEOUT)
			.until(() -> System.currentTimeMillis() > FencingTokens.epoch(last));
		DlmLockRegistry next = fencingRegistry();
		long reseeded = tokenOf(next.obtain("nightly"));
		assertThat(reseeded).isGreaterThan(last);
		assertThat(FencingTokens.epoch(reseeded)).isGreaterThan(FencingTokens.epoch(last));
		assertThat(FencingTokens.counter(reseeded)).isZero();
		assertThat(tokenOf(next.obtain("nightly"))).isEqualTo(reseeded + 1);
	}

	@Test
	void anInvalidBlockMovesTheEpoch() {
		DlmLock lock = this.registry.obtain("recovered");
		long last = tokenOf(lock);
		invalidate(CompanionNames.companion(CompanionNames.FENCING, DlmResourceName.of("recovered")));
		long reseeded = tokenOf(lock);
		assertThat(reseeded).isGreaterThan(last);
		assertThat(FencingTokens.epoch(reseeded)).isGreaterThan(FencingTokens.epoch(last));
		assertThat(FencingTokens.counter(reseeded)).isZero();
		assertThat(tokenOf(lock)).isEqualTo(reseeded + 1);
	}

	@Test
	void anInvalidBlockReseedsAboveTheTokenItStillHolds() {
		DlmResourceName companion = CompanionNames.companion(CompanionNames.FENCING, DlmResourceName.of("ahead"));
		// a token another node issued with its clock 3 s ahead, which recovery kept and marked
		// invalid: this node's clock alone would re-seed below it
		long ahead = FencingTokens.first(System.currentTimeMillis() + 3000) + 7;
		DlmLockHandle handle = this.local.lockspace().newLock(companion, null);
		DlmRequest.lock(handle, DlmMode.EX, EnumSet.of(DlmFlag.VALBLK)).join();
		byte[] written = ByteBuffer.allocate(32).putInt(0, 0x444C4D46).put(4, (byte) 1).putLong(8, ahead).array();
		DlmRequest.convert(handle, DlmMode.NL, EnumSet.of(DlmFlag.VALBLK), written).join();
		DlmRequest.convert(handle, DlmMode.EX, EnumSet.of(DlmFlag.VALBLK), null).join();
		DlmRequest.convert(handle, DlmMode.NL, EnumSet.of(DlmFlag.IVVALBLK), null).join();
		long reseeded = tokenOf(this.registry.obtain("ahead"));
		DlmRequest.unlock(handle, null);
		assertThat(reseeded).isGreaterThan(ahead);
		assertThat(FencingTokens.epoch(reseeded)).isEqualTo(FencingTokens.epoch(ahead) + 1);
		assertThat(FencingTokens.counter(reseeded)).isZero();
		// later re-seeds in this JVM start from the clock again, as the other tests expect
		await("the wall clock past the epoch ahead").atMost(LocalLockspaceExtension.TIMEOUT)
			.until(() -> System.currentTimeMillis() > FencingTokens.epoch(reseeded));
	}

	@Test
	void theApplicationKeepsItsOwnValueBlock() {
		DlmLock lock = this.registry.obtain("valued");
		byte[] value = "the application's own 32 bytes..".getBytes(StandardCharsets.US_ASCII);
		lock.lock();
		try {
			lock.setValueBlock(value);
		}
		finally {
			lock.unlock();
		}
		lock.lock();
		try {
			assertThat(lock.getValueBlock()).isEqualTo(value);
			assertThat(lock.fencingToken()).isPositive();
		}
		finally {
			lock.unlock();
		}
	}

	@Test
	void longNamesHaveAHashedCompanionWithinTheLimit() {
		String key = "k".repeat(64);
		DlmResourceName companion = CompanionNames.companion(CompanionNames.FENCING, DlmResourceName.of(key));
		assertThat(companion.length()).isEqualTo(64);
		assertThat(companion).isNotEqualTo(CompanionNames.companion(CompanionNames.FENCING, DlmResourceName.of("k")));
		long first = tokenOf(this.registry.obtain(key));
		assertThat(tokenOf(this.registry.obtain(key))).isEqualTo(first + 1);
	}

	@Test
	void companionLocksGoWithExpiryAndClose() {
		tokenOf(this.registry.obtain("kept"));
		String companion = CompanionNames.companion(CompanionNames.FENCING, DlmResourceName.of("kept")).toString();
		assertThat(this.local.dump()).singleElement()
			.satisfies((info) -> assertThat(info.resource()).isEqualTo(companion))
			.satisfies((info) -> assertThat(info.grantedMode()).isEqualTo(DlmMode.NL));
		this.registry.expireUnusedOlderThan(TimeUnit.DAYS.toMillis(1));
		assertThat(this.local.dump()).hasSize(1);
		this.registry.expireUnusedOlderThan(0);
		assertThat(this.local.dump()).isEmpty();
		DlmLock held = this.registry.obtain("kept");
		held.lock();
		try {
			this.registry.close();
			assertThat(this.local.dump()).as("the companion of a held resource stays until the hold ends").hasSize(2);
		}
		finally {
			held.unlock();
		}
		assertThat(this.local.dump()).isEmpty();
	}

	@Test
	void namesReservedForCompanionsAreRefusedWhileTokensAreOn() {
		byte[] reserved = { (byte) 0xFF, 'F', 'x' };
		assertThatIllegalArgumentException().isThrownBy(() -> this.registry.obtain(reserved))
			.withMessageContaining("0xFF");
		this.registry.setFencingTokens(false);
		assertThat(this.registry.obtain(reserved).getResourceName()).isEqualTo(reserved);
	}

	@Test
	void aGrantWhoseTokenCannotBeIssuedFailsAndKeepsNothing() {
		DlmResourceName companion = CompanionNames.companion(CompanionNames.FENCING, DlmResourceName.of("stuck"));
		DlmLockHandle foreign = this.local.lockspace().newLock(companion, null);
		DlmRequest.lock(foreign, DlmMode.EX, EnumSet.noneOf(DlmFlag.class)).join();
		DlmLock lock = this.registry.obtain("stuck");
		Future<?> locking = this.local.executor().submit(() -> {
			lock.lock();
			return null;
		});
		this.local.awaitWaiting(companion.toString(), 1);
		assertThat(lock.isLocked()).as("granted, waiting for its token").isTrue();
		this.local.lockspace().close();
		assertThatExceptionOfType(ExecutionException.class)
			.isThrownBy(() -> locking.get(LocalLockspaceExtension.TIMEOUT.toSeconds(), TimeUnit.SECONDS))
			.withCauseInstanceOf(DlmException.class);
		assertThat(lock.isLocked()).isFalse();
	}

	private long tokenOf(DlmLock lock) {
		lock.lock();
		try {
			return lock.fencingToken();
		}
		finally {
			lock.unlock();
		}
	}

	private DlmLockRegistry fencingRegistry() {
		DlmLockRegistry registry = new DlmLockRegistry(this.local.lockspace());
		registry.setFencingTokens(true);
		return registry;
	}

	/** What recovery does to a block a lost holder may have written: marks it invalid. */
	private void invalidate(DlmResourceName companion) {
		DlmLockHandle handle = this.local.lockspace().newLock(companion, null);
		DlmRequest.lock(handle, DlmMode.EX, EnumSet.of(DlmFlag.VALBLK)).join();
		DlmRequest.convert(handle, DlmMode.NL, EnumSet.of(DlmFlag.IVVALBLK), null).join();
		DlmRequest.unlock(handle, null);
	}

}
