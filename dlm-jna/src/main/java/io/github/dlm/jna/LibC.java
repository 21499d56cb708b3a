package io.github.dlm.jna;

import com.sun.jna.Pointer;

/**
 * The C library calls the native backend makes, {@code write}, {@code read}, {@code poll}
 * and {@code fcntl}, with their constants, direct-mapped. They run for every lock
 * operation: {@code write} sends unlock requests to a lockspace descriptor
 * ({@link DlmUnlockRequest}), {@code read} takes its completions ({@link DlmLockResult}) and
 * {@code poll} waits for them ({@link DlmDispatcher}); {@code fcntl} makes the descriptor
 * non-blocking once, when the lockspace is opened.
 * <p>
 * {@link LibDlmDirect#bind} registers these natives in the symbol scope of the loaded libdlm
 * (the library and its dependencies), where they resolve to the C library's functions: for
 * the real libdlm they are libc's, and a stand-in library for tests may serve its own
 * descriptors with its own {@code write}.
 */
final class LibC {

	/** {@code POLLIN}: there is data to read. */
	static final short POLLIN = 0x001;

	/** {@code F_GETFL}: get the file status flags. */
	static final int F_GETFL = 3;

	/** {@code F_SETFL}: set the file status flags. */
	static final int F_SETFL = 4;

	/** {@code O_NONBLOCK}: a read with nothing to return fails with {@code EAGAIN}. */
	static final int O_NONBLOCK = 0x800;

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

	/**
	 * {@code ssize_t read(int fd, void *buf, size_t count)}. On a lockspace descriptor one
	 * read returns one {@code struct dlm_lock_result} (and the value block behind it), or
	 * fails with {@code EAGAIN} when none is queued and the descriptor is non-blocking.
	 * @param fd the descriptor
	 * @param buffer the buffer
	 * @param count its size
	 * @return the bytes read, or -1 with {@code errno}
	 */
	static native long read(int fd, Pointer buffer, long count);

	/**
	 * {@code int fcntl(int fd, int cmd, int arg)}, for {@link #F_GETFL} and {@link #F_SETFL}.
	 * @param fd the descriptor
	 * @param cmd the command
	 * @param arg its argument
	 * @return the command's result, or -1 with {@code errno}
	 */
	static native int fcntl(int fd, int cmd, int arg);

}
