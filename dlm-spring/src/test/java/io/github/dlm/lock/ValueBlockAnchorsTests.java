package io.github.dlm.lock;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.github.dlm.core.DlmCompletion;
import io.github.dlm.core.DlmLockHandle;
import io.github.dlm.core.DlmMode;
import io.github.dlm.core.DlmResourceName;
import io.github.dlm.core.DlmRequest;
import io.github.dlm.local.LocalLockInfo;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link ValueBlockAnchors} on the local engine: one NL lock per lock object that
 * published, keeping a copy of the value last published (what the kernel's recovery
 * rebuilds a lost master's value block from), released by test or close, and none leaked
 * when taking and releasing race.
 */
class ValueBlockAnchorsTests {

	@RegisterExtension
	final LocalLockspaceExtension local = new LocalLockspaceExtension("anchors");

	private ValueBlockAnchors anchors;

	private final List<DlmLockHandle> publishers = new ArrayList<>();

	@BeforeEach
	void setUp() {
		this.anchors = new ValueBlockAnchors(this.local.lockspace());
	}

	@AfterEach
	void releasePublishers() {
		this.publishers.forEach((publisher) -> DlmRequest.unlock(publisher, null));
	}

	@Test
	void retainTakesOneNlLockPerLockObject() {
		DlmLock lock = this.local.registry().obtain("value");
		DlmLockHandle publisher = publisher("value");
		this.anchors.retain(lock, publisher);
		this.anchors.retain(lock, publisher);
		assertThat(this.anchors.isRetaining(lock)).isTrue();
		assertThat(anchorsOn("value")).hasSize(1);
		DlmLock other = this.local.registry().obtain("value", DlmMode.PW);
		assertThat(this.anchors.isRetaining(other)).isFalse();
		this.anchors.retain(other, publisher);
		assertThat(anchorsOn("value")).hasSize(2);
	}

	@Test
	void anAnchorKeepsACopyOfTheValueLastPublishedForRecovery() {
		DlmLock lock = this.local.registry().obtain("copied");
		publish(lock, "first");
		assertThat(lock.valueBlockAnchors().copyOf(lock)).isEqualTo(block("first"));
		publish(lock, "second");
		assertThat(lock.valueBlockAnchors().copyOf(lock)).isEqualTo(block("second"));
		lock.lock();
		try {
			lock.setValueBlock(block("third"));
			lock.convert(DlmMode.PR);
			assertThat(lock.valueBlockAnchors().copyOf(lock)).isEqualTo(block("third"));
		}
		finally {
			lock.unlock();
		}
	}

	@Test
	void anAnchorRequestsTheValueBlockAndNeverWritesIt() {
		DlmLock lock = this.local.registry().obtain("read-only");
		publish(lock, "kept");
		DlmLock other = this.local.registry().obtain("read-only", DlmMode.PW);
		other.lock();
		try {
			assertThat(other.getValueBlock()).isEqualTo(block("kept"));
			assertThat(other.isValueBlockValid()).isTrue();
		}
		finally {
			other.unlock();
		}
		assertThat(lock.valueBlockAnchors().copyOf(lock)).isEqualTo(block("kept"));
	}

	@Test
	void releaseIfReleasesOnlyTheAnchorsThatPassTheTest() {
		DlmLock kept = this.local.registry().obtain("kept");
		DlmLock released = this.local.registry().obtain("released");
		this.anchors.retain(kept, publisher("kept"));
		this.anchors.retain(released, publisher("released"));
		this.anchors.releaseIf((lock) -> lock == released);
		assertThat(this.anchors.isRetaining(kept)).isTrue();
		assertThat(this.anchors.isRetaining(released)).isFalse();
		assertThat(anchorsOn("kept")).hasSize(1);
		assertThat(anchorsOn("released")).isEmpty();
		this.anchors.retain(released, this.publishers.get(1));
		assertThat(anchorsOn("released")).hasSize(1);
	}

	@Test
	void closeReleasesEveryAnchorAndTakesNoMore() {
		DlmLock lock = this.local.registry().obtain("closed");
		DlmLockHandle publisher = publisher("closed");
		this.anchors.retain(lock, publisher);
		this.anchors.close();
		assertThat(this.anchors.isEnabled()).isFalse();
		assertThat(anchorsOn("closed")).isEmpty();
		this.anchors.retain(lock, publisher);
		assertThat(this.anchors.isRetaining(lock)).isFalse();
		assertThat(anchorsOn("closed")).isEmpty();
	}

	@Test
	void disabledTakesNone() {
		DlmLock lock = this.local.registry().obtain("disabled");
		this.anchors.setEnabled(false);
		this.anchors.retain(lock, publisher("disabled"));
		assertThat(this.anchors.isRetaining(lock)).isFalse();
		assertThat(anchorsOn("disabled")).isEmpty();
	}

	@Test
	void takingReleasingAndClosingConcurrentlyLeakNoAnchor() throws Exception {
		List<DlmLock> locks = new ArrayList<>();
		for (int i = 0; i < 4; i++) {
			locks.add(this.local.registry().obtain("race-" + i));
			publisher("race-" + i);
		}
		List<Future<?>> workers = new ArrayList<>();
		for (int worker = 0; worker < 4; worker++) {
			workers.add(this.local.executor().submit(() -> {
				ThreadLocalRandom random = ThreadLocalRandom.current();
				for (int round = 0; round < 2_000; round++) {
					int i = random.nextInt(locks.size());
					if (random.nextBoolean()) {
						this.anchors.retain(locks.get(i), this.publishers.get(i));
					}
					else {
						this.anchors.releaseIf((lock) -> lock == locks.get(i));
					}
				}
				return null;
			}));
		}
		for (Future<?> worker : workers) {
			worker.get(LocalLockspaceExtension.TIMEOUT.toSeconds(), TimeUnit.SECONDS);
		}
		for (int i = 0; i < locks.size(); i++) {
			assertThat(anchorsOn("race-" + i)).hasSizeLessThanOrEqualTo(1)
				.hasSize(this.anchors.isRetaining(locks.get(i)) ? 1 : 0);
		}
		this.anchors.close();
		for (int i = 0; i < locks.size(); i++) {
			assertThat(anchorsOn("race-" + i)).isEmpty();
		}
	}

	private static void publish(DlmLock lock, String value) {
		lock.lock();
		try {
			lock.setValueBlock(block(value));
		}
		finally {
			lock.unlock();
		}
	}

	private static byte[] block(String value) {
		return Arrays.copyOf(value.getBytes(StandardCharsets.US_ASCII), DlmCompletion.VALUE_BLOCK_LENGTH);
	}

	/** A granted EX lock on a resource, standing for a holder about to publish. */
	private DlmLockHandle publisher(String resource) {
		DlmLockHandle handle = this.local.lockspace().newLock(DlmResourceName.of(resource), null);
		DlmRequest.lock(handle, DlmMode.EX, Set.of()).join();
		this.publishers.add(handle);
		return handle;
	}

	private List<LocalLockInfo> anchorsOn(String resource) {
		return this.local.dump()
			.stream()
			.filter((info) -> info.resource().equals(resource) && info.grantedMode() == DlmMode.NL)
			.toList();
	}

}
