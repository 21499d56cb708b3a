package io.github.dlm.jna;

import com.sun.jna.Pointer;

/**
 * The C library calls the native backend makes, {@code write} and {@code poll}, with their
 * constants, direct-mapped. Both run for every lock operation: {@code write} sends unlock
 * requests to a lockspace descriptor ({@link DlmUnlockRequest}) and {@code poll} waits for
 * its completions ({@link DlmDispatcher}).
 * <p>
 * {@link LibDlmDirect#bind} registers these natives in the symbol scope of the loaded libdlm
 * (the library and its dependencies), where they resolve to the C library's functions: for
 * the real libdlm they are libc's, and a stand-in library for tests may serve its own
 * descriptors with its own {@code write}.
 */
final class LibC {

	/** {@code POLLIN}: there is data to read. */
	static final short POLLIN = 0x001;

	/** {@code sizeof(struct pollfd)}: {@code int fd; short events; short revents}. */
	static final int POLLFD_SIZE = 8;

	/** Offset of {@code events} in {@code struct pollfd}. */
	static final int POLLFD_EVENTS = 4;

	/** Offset of {@code revents} in {@code struct pollfd}. */
	static final int POLLFD_REVENTS = 6;

	private LibC() {
	}

	/**
	 * {@code ssize_t write(int fd, const void *buf, size_t count)}. On a lockspace descriptor
	 * the kernel answers an accepted unlock request with 0; its completion arrives later
	 * through {@code dlm_dispatch}.
	 * @param fd the descriptor
	 * @param buffer the bytes
	 * @param count how many
	 * @return 0 (an accepted DLM request) or the bytes written, or -1 with {@code errno}
	 */
	static native long write(int fd, Pointer buffer, long count);

	/**
	 * {@code int poll(struct pollfd *fds, nfds_t nfds, int timeout)}.
	 * @param fds {@code struct pollfd[nfds]}
	 * @param nfds the number of descriptors ({@code nfds_t}, an {@code unsigned long})
	 * @param timeout milliseconds
	 * @return the number of descriptors with events, 0 on timeout, -1 with {@code errno}
	 */
	static native int poll(Pointer fds, long nfds, int timeout);

}
