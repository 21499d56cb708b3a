package io.github.dlm.jna;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * The bounded pool of request buffers.
 */
class DlmRequestBuffersTests {

	@Test
	void reusesReturnedBuffersAndKeepsAtMostItsCapacity() {
		try (DlmRequestBuffers buffers = new DlmRequestBuffers(2)) {
			DlmLksb first = buffers.acquire();
			buffers.release(first);
			assertThat(buffers.acquire()).isSameAs(first);
			DlmLksb second = buffers.acquire();
			DlmLksb third = buffers.acquire();
			assertThat(buffers.allocatedCount()).isEqualTo(3);
			buffers.release(first);
			buffers.release(second);
			buffers.release(third);
			assertThat(third.isFreed()).as("beyond the capacity: freed").isTrue();
			assertThat(buffers.idleCount()).isEqualTo(2);
			assertThat(buffers.allocatedCount()).isEqualTo(2);
		}
	}

	@Test
	void closeFreesKeptBuffersAndThoseReturnedLater() {
		DlmRequestBuffers buffers = new DlmRequestBuffers(4);
		DlmLksb kept = buffers.acquire();
		DlmLksb lent = buffers.acquire();
		buffers.release(kept);
		buffers.close();
		assertThat(kept.isFreed()).isTrue();
		assertThat(buffers.allocatedCount()).isOne();
		buffers.release(lent);
		assertThat(lent.isFreed()).isTrue();
		assertThat(buffers.allocatedCount()).isZero();
	}

	@Test
	void rejectsAnEmptyCapacity() {
		assertThatIllegalArgumentException().isThrownBy(() -> new DlmRequestBuffers(0));
	}

}
