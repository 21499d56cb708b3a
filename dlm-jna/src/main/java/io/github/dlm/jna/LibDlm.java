package io.github.dlm.jna;

import com.sun.jna.Callback;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.PointerType;
import com.sun.jna.ptr.IntByReference;
import org.jspecify.annotations.Nullable;

/**
 * JNA mapping of the parts of {@code libdlm.so.3} (the pthread build of Debian's
 * {@code libdlm3}, dlm 4.2.0) that the native backend uses, with the constants of
 * {@code libdlm.h} beside them, in the style of JNA's own platform mappings: functions and
 * constants only. {@link LibDlmLoader} loads it; {@link LibDlmDirect} binds the calls made
 * for every lock operation by direct mapping; {@link LibC} maps the C library calls.
 * <p>
 * Only the asynchronous API is mapped on purpose: every lock is requested with
 * {@link #dlm_ls_lock} and ended with an unlock request written to the lockspace
 * descriptor ({@link LibC#write}, because {@link #dlm_ls_unlock} sends garbage as the
 * value block; it is kept for cancels), whose completions are delivered by
 * {@link #dlm_dispatch} on a Java thread we own ({@link DlmDispatcher}). The {@code *_wait}
 * calls and {@code dlm_ls_pthread_init} are deliberately absent: the first park a thread
 * inside native code, the second runs callbacks on a foreign pthread that libdlm stops with
 * {@code pthread_cancel} (forced unwinding through JVM frames).
 * <p>
 * Return convention: {@code int} calls return {@code 0} when the request was accepted and
 * {@code -1} with {@code errno} (read with {@link Native#getLastError()} right after the
 * call) when it was refused; handle-returning calls return {@code null} with
 * {@code errno}. The outcome of an accepted lock or unlock arrives later in the lock status
 * block ({@link DlmLksb}) when the completion callback runs. Lockspace create, open, close
 * and release touch unprotected globals in libdlm: callers serialize them.
 */
interface LibDlm extends Library {

	/** The library's soname, loaded first. */
	String SONAME = "libdlm.so.3";

	/** The plain library name, tried when the soname is not found (needs {@code libdlm-dev}'s symlink). */
	String NAME = "dlm";

	/** Null mode ({@code LKM_NLMODE}). */
	int LKM_NLMODE = 0;

	/** Concurrent read ({@code LKM_CRMODE}). */
	int LKM_CRMODE = 1;

	/** Concurrent write ({@code LKM_CWMODE}). */
	int LKM_CWMODE = 2;

	/** Protected read ({@code LKM_PRMODE}). */
	int LKM_PRMODE = 3;

	/** Protected write ({@code LKM_PWMODE}). */
	int LKM_PWMODE = 4;

	/** Exclusive ({@code LKM_EXMODE}). */
	int LKM_EXMODE = 5;

	/** {@code LKF_NOQUEUE}. */
	int LKF_NOQUEUE = 0x00000001;

	/** {@code LKF_CANCEL} (unlock only). */
	int LKF_CANCEL = 0x00000002;

	/** {@code LKF_CONVERT}. */
	int LKF_CONVERT = 0x00000004;

	/** {@code LKF_VALBLK}. */
	int LKF_VALBLK = 0x00000008;

	/** {@code LKF_QUECVT}. */
	int LKF_QUECVT = 0x00000010;

	/** {@code LKF_IVVALBLK}. */
	int LKF_IVVALBLK = 0x00000020;

	/** {@code LKF_CONVDEADLK}. */
	int LKF_CONVDEADLK = 0x00000040;

	/** {@code LKF_PERSISTENT}. */
	int LKF_PERSISTENT = 0x00000080;

	/** {@code LKF_NODLCKWT}. */
	int LKF_NODLCKWT = 0x00000100;

	/** {@code LKF_NODLCKBLK}. */
	int LKF_NODLCKBLK = 0x00000200;

	/** {@code LKF_EXPEDITE}. */
	int LKF_EXPEDITE = 0x00000400;

	/** {@code LKF_NOQUEUEBAST}. */
	int LKF_NOQUEUEBAST = 0x00000800;

	/** {@code LKF_HEADQUE}. */
	int LKF_HEADQUE = 0x00001000;

	/** {@code LKF_NOORDER}. */
	int LKF_NOORDER = 0x00002000;

	/** {@code LKF_ORPHAN}. */
	int LKF_ORPHAN = 0x00004000;

	/** {@code LKF_ALTPR}. */
	int LKF_ALTPR = 0x00008000;

	/** {@code LKF_ALTCW}. */
	int LKF_ALTCW = 0x00010000;

	/** {@code LKF_FORCEUNLOCK}. */
	int LKF_FORCEUNLOCK = 0x00020000;

	/** {@code LKF_TIMEOUT}: ignored by current kernels, never sent. */
	int LKF_TIMEOUT = 0x00040000;

	/** {@code LKF_WAIT}: libdlm-internal marker of the synchronous calls, never sent. */
	int LKF_WAIT = 0x80000000;

	/** {@code ECANCEL} in {@code sb_status}: the request was cancelled. */
	int ECANCEL = 0x10001;

	/** {@code EUNLOCK} in {@code sb_status}: the unlock completed. */
	int EUNLOCK = 0x10002;

	/** {@code EINPROG} in {@code sb_status}: written by libdlm when a request is sent, not a result. */
	int EINPROG = 0x10003;

	/** {@code DLM_SBF_DEMOTED}. */
	int DLM_SBF_DEMOTED = 0x01;

	/** {@code DLM_SBF_VALNOTVALID}. */
	int DLM_SBF_VALNOTVALID = 0x02;

	/** {@code DLM_SBF_ALTMODE}. */
	int DLM_SBF_ALTMODE = 0x04;

	/** {@code DLM_LSFL_NEWEXCL}: creating a lockspace that exists fails with {@code EEXIST}. */
	int DLM_LSFL_NEWEXCL = 0x00000008;

	/** {@code DLM_LVB_LEN}. */
	int DLM_LVB_LEN = 32;

	/** {@code DLM_RESNAME_MAXLEN}. */
	int DLM_RESNAME_MAXLEN = 64;

	/** {@code DLM_LOCKSPACE_LEN}. */
	int DLM_LOCKSPACE_LEN = 64;

	/** {@code DLM_DEVICE_VERSION_MAJOR} ({@code linux/dlm_device.h}): the device protocol libdlm speaks. */
	int DLM_DEVICE_VERSION_MAJOR = 6;

	/** {@code DLM_DEVICE_VERSION_MINOR}. */
	int DLM_DEVICE_VERSION_MINOR = 0;

	/** {@code DLM_DEVICE_VERSION_PATCH}. */
	int DLM_DEVICE_VERSION_PATCH = 2;

	/** {@code DLM_USER_UNLOCK}: the command of an unlock (or cancel) request to a lockspace device. */
	int DLM_USER_UNLOCK = 2;

	/**
	 * {@code dlm_lshandle_t}: an open lockspace, opaque (libdlm's {@code struct dlm_ls_info});
	 * never dereferenced, never used after {@link #dlm_close_lockspace} or
	 * {@link #dlm_release_lockspace}.
	 */
	final class LockspaceHandle extends PointerType {

		/** For JNA, which creates the handles libdlm returns. */
		public LockspaceHandle() {
		}

	}

	/**
	 * A completion (AST) or blocking (BAST) callback: {@code void (*)(void *astarg)}. The
	 * userspace API gives both only the argument, not the blocking mode.
	 */
	interface AstCallback extends Callback {

		/**
		 * Called by {@code dlm_dispatch} in the dispatching thread.
		 * @param astarg the argument given with the request
		 */
		void invoke(@Nullable Pointer astarg);

	}

	/**
	 * {@code dlm_lshandle_t dlm_new_lockspace(const char *name, mode_t mode, uint32_t flags)}:
	 * creates the lockspace or joins it when it exists (unless {@link #DLM_LSFL_NEWEXCL}).
	 * Needs {@code CAP_SYS_ADMIN}; may sleep up to about 10 s waiting for udev.
	 * @param name the lockspace name
	 * @param mode the device permission bits
	 * @param flags {@code DLM_LSFL_*}
	 * @return the handle, or {@code null} with {@code errno}
	 */
	@Nullable LockspaceHandle dlm_new_lockspace(String name, int mode, int flags);

	/**
	 * {@code dlm_lshandle_t dlm_open_lockspace(const char *name)}: opens an existing
	 * lockspace's device.
	 * @param name the lockspace name
	 * @return the handle, or {@code null} with {@code errno} ({@code ENOENT} when it does not exist)
	 */
	@Nullable LockspaceHandle dlm_open_lockspace(String name);

	/**
	 * {@code int dlm_close_lockspace(dlm_lshandle_t ls)}: closes the device (the kernel drops
	 * this process's locks in it) and frees the handle.
	 * @param ls the handle, never used again
	 * @return 0
	 */
	int dlm_close_lockspace(LockspaceHandle ls);

	/**
	 * {@code int dlm_release_lockspace(const char *name, dlm_lshandle_t ls, int force)}:
	 * closes the handle, then asks the kernel to drop one creation reference. libdlm ignores
	 * the kernel's answer to the release itself.
	 * @param name the lockspace name
	 * @param ls the handle, never used again
	 * @param force non-zero to release even with locks left
	 * @return 0, or -1 with {@code errno}
	 */
	int dlm_release_lockspace(String name, LockspaceHandle ls, int force);

	/**
	 * {@code int dlm_ls_get_fd(dlm_lshandle_t ls)}.
	 * @param ls the handle
	 * @return the lockspace device file descriptor
	 */
	int dlm_ls_get_fd(LockspaceHandle ls);

	/**
	 * {@code int dlm_dispatch(int fd)}: reads every completion waiting on the descriptor,
	 * copies each into its lock status block and calls its callback in this thread.
	 * @param fd the lockspace descriptor
	 * @return 0, or -1 with {@code errno}
	 */
	int dlm_dispatch(int fd);

	/**
	 * {@code int dlm_ls_lock(dlm_lshandle_t ls, uint32_t mode, struct dlm_lksb *lksb,
	 * uint32_t flags, const void *name, unsigned int namelen, uint32_t parent,
	 * void (*astaddr)(void *), void *astarg, void (*bastaddr)(void *), void *range)}:
	 * requests a lock, or converts {@code lksb->sb_lkid} with {@link #LKF_CONVERT}. A
	 * conversion replaces the callbacks and argument, so pass them again every time.
	 * @param ls the handle
	 * @param mode {@code LKM_*MODE}
	 * @param lksb the lock status block, pinned until the completion
	 * @param flags {@code LKF_*}
	 * @param name the resource name bytes
	 * @param namelen the name length, 1..64
	 * @param parent unused, 0
	 * @param ast the completion callback, required
	 * @param astarg the argument of both callbacks
	 * @param bast the blocking callback, or {@code null} for none
	 * @param range unused, {@code null}
	 * @return 0 when accepted (the new lock id is then in {@code lksb->sb_lkid}), or -1
	 * with {@code errno}
	 */
	int dlm_ls_lock(LockspaceHandle ls, int mode, Pointer lksb, int flags, byte[] name, int namelen, int parent,
			AstCallback ast, @Nullable Pointer astarg, @Nullable AstCallback bast, @Nullable Pointer range);

	/**
	 * {@code int dlm_ls_unlock(dlm_lshandle_t ls, uint32_t lkid, uint32_t flags,
	 * struct dlm_lksb *lksb, void *astarg)}: unlocks, or with {@link #LKF_CANCEL} cancels
	 * the request in flight. The completion runs the lock's last AST function. libdlm sends
	 * an uninitialised value block with it, which the kernel publishes when a PW or EX lock
	 * last requested with {@link #LKF_VALBLK} is unlocked, so the backend uses this only to
	 * cancel and unlocks with its own request through {@link LibC#write} ({@link DlmUnlockRequest}).
	 * @param ls the handle
	 * @param lkid the lock id
	 * @param flags 0, {@link #LKF_CANCEL} or {@link #LKF_FORCEUNLOCK}
	 * @param lksb where the completion status is written
	 * @param astarg the callback argument, or {@code null} to keep the lock's
	 * @return 0 when accepted (also for a cancel that finds nothing to cancel, in which
	 * case no completion follows), or -1 with {@code errno}
	 */
	int dlm_ls_unlock(LockspaceHandle ls, int lkid, int flags, Pointer lksb, @Nullable Pointer astarg);

	/**
	 * {@code int dlm_kernel_version(uint32_t *maj, uint32_t *min, uint32_t *patch)}: the
	 * kernel's device protocol version, read from {@code /dev/misc/dlm-control}. Waits up to
	 * about 10 s for that device when the module is loaded but the node is missing, so call
	 * it only once the device is known to exist.
	 * @param major receives the major version
	 * @param minor receives the minor version
	 * @param patch receives the patch level
	 * @return 0, or -1 with {@code errno}
	 */
	int dlm_kernel_version(IntByReference major, IntByReference minor, IntByReference patch);

	/**
	 * {@code void dlm_library_version(uint32_t *maj, uint32_t *min, uint32_t *patch)}: the
	 * device protocol version libdlm was built for (6.0.2).
	 * @param major receives the major version
	 * @param minor receives the minor version
	 * @param patch receives the patch level
	 */
	void dlm_library_version(IntByReference major, IntByReference minor, IntByReference patch);

}
