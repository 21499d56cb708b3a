package io.github.dlm.jna;

import java.time.Duration;
import java.util.Collections;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Collectors;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * The dispatcher's thread lifecycle, run on the read end of an empty pipe (a descriptor
 * that never becomes readable, so {@code dlm_dispatch} is never reached without a DLM).
 */
class NativeDispatcherTests {

	private final int[] pipe = new int[2];

	private LibDlm libDlm;

	@BeforeEach
	void openPipe() {
		this.libDlm = NativeTestSupport.requireLibDlm();
		assertThat(Posix.INSTANCE.pipe(this.pipe)).isZero();
	}

	@AfterEach
	void closePipe() {
		Posix.INSTANCE.close(this.pipe[0]);
		Posix.INSTANCE.close(this.pipe[1]);
	}

	@Test
	void runsOneNamedDaemonThreadUntilStopped() {
		DlmDispatcher dispatcher = dispatcher("dlm-dispatch-test-1");
		assertThat(dispatcher.isRunning()).isFalse();
		dispatcher.start();
		assertThat(dispatcher.isRunning()).isTrue();
		Thread thread = thread("dlm-dispatch-test-1");
		assertThat(thread.isDaemon()).isTrue();
		assertThat(dispatcher.isDispatcherThread()).isFalse();
		dispatcher.stop();
		assertThat(dispatcher.isRunning()).isFalse();
		assertThat(thread.isAlive()).isFalse();
		dispatcher.stop();
	}

	@Test
	void repeatedStartStopCyclesLeaveNoThreads() {
		for (int i = 0; i < 25; i++) {
			DlmDispatcher dispatcher = dispatcher("dlm-dispatch-cycle");
			dispatcher.start();
			dispatcher.stop();
		}
		assertThat(threadNames()).doesNotContain("dlm-dispatch-cycle");
	}

	@Test
	void startsOnlyOnce() {
		DlmDispatcher dispatcher = dispatcher("dlm-dispatch-once");
		dispatcher.start();
		try {
			assertThatIllegalStateException().isThrownBy(dispatcher::start).withMessageContaining("already started");
		}
		finally {
			dispatcher.stop();
		}
	}

	@Test
	void stopBeforeStartIsHarmless() {
		DlmDispatcher dispatcher = dispatcher("dlm-dispatch-never");
		dispatcher.stop();
		assertThat(dispatcher.isRunning()).isFalse();
	}

	@Test
	void rejectsBadSettings() {
		ReentrantLock lock = new ReentrantLock();
		DlmRequestBuffers buffers = new DlmRequestBuffers(1);
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new DlmDispatcher(this.libDlm, -1, "x", Duration.ofMillis(10), lock, buffers))
			.withMessageContaining("descriptor");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new DlmDispatcher(this.libDlm, this.pipe[0], "", Duration.ofMillis(10), lock, buffers))
			.withMessageContaining("thread name");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new DlmDispatcher(this.libDlm, this.pipe[0], "x", Duration.ZERO, lock, buffers))
			.withMessageContaining("poll interval");
	}

	private DlmDispatcher dispatcher(String name) {
		return new DlmDispatcher(this.libDlm, this.pipe[0], name, Duration.ofMillis(20), new ReentrantLock(),
				new DlmRequestBuffers(1));
	}

	private static Thread thread(String name) {
		return Thread.getAllStackTraces()
			.keySet()
			.stream()
			.filter((thread) -> thread.getName().equals(name))
			.findFirst()
			.orElseThrow();
	}

	private static Set<String> threadNames() {
		return Thread.getAllStackTraces().keySet().stream().map(Thread::getName).collect(Collectors.toSet());
	}

	interface Posix extends Library {

		Posix INSTANCE = Native.load(Platform.C_LIBRARY_NAME, Posix.class, Collections.emptyMap());

		int pipe(int[] fds);

		int close(int fd);

	}

}
