package io.github.dlm.jna;

import java.lang.reflect.Proxy;
import java.util.Objects;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import org.jspecify.annotations.Nullable;

import io.github.dlm.core.DlmUnavailableException;

/**
 * The libdlm call made for every lock request, {@code dlm_ls_lock}, bound by JNA direct mapping ({@link Native#register(Class,
 * NativeLibrary)}) together with {@link LibC}: no proxy, no reflective argument conversion,
 * and the completion callbacks passed to {@code dlm_ls_lock} are called back directly
 * rather than through JNA's reflective callback proxy. The signature is that of
 * {@link LibDlm}'s method of the same name. (Completions are not dispatched through
 * libdlm: {@link DlmDispatcher} reads them with {@link LibC}.)
 * <p>
 * JNI binds a class's natives to one library, so one JVM binds one libdlm file:
 * {@link #bind} registers the natives with the first library it is given and refuses any
 * other. (The tests that load a stand-in library run in a JVM of their own.)
 */
final class LibDlmDirect {

	private static @Nullable NativeLibrary bound;

	private LibDlmDirect() {
	}

	/**
	 * Binds the direct-mapped calls, and {@link LibC}'s, to the library behind a mapping,
	 * once per JVM.
	 * @param libDlm a mapping loaded by {@link LibDlmLoader}
	 * @throws DlmUnavailableException if they cannot be bound, or this JVM bound them to
	 * another libdlm file already
	 */
	static synchronized void bind(LibDlm libDlm) {
		NativeLibrary library = ((Library.Handler) Proxy.getInvocationHandler(libDlm)).getNativeLibrary();
		NativeLibrary current = bound;
		if (current == null) {
			try {
				Native.register(LibDlmDirect.class, library);
				Native.register(LibC.class, library);
			}
			catch (LinkageError ex) {
				throw new DlmUnavailableException("Cannot bind libdlm's lock calls by direct mapping in "
						+ library.getFile() + ": " + ex, 0);
			}
			bound = library;
		}
		else if (!Objects.equals(current.getFile(), library.getFile())) {
			throw new DlmUnavailableException("This JVM bound libdlm's lock calls to " + current.getFile()
					+ " already and cannot use " + library.getFile() + " too: use one libdlm file per JVM", 0);
		}
	}

	/**
	 * Direct-mapped {@link LibDlm#dlm_ls_lock}.
	 * @param ls the handle
	 * @param mode the mode
	 * @param lksb the lock status block
	 * @param flags the flags
	 * @param name the name
	 * @param namelen the name length
	 * @param parent 0
	 * @param ast the completion callback
	 * @param astarg the argument
	 * @param bast the blocking callback
	 * @param range {@code null}
	 * @return 0, or -1 with {@code errno}
	 */
	static native int dlm_ls_lock(LibDlm.LockspaceHandle ls, int mode, Pointer lksb, int flags, byte[] name,
			int namelen, int parent, LibDlm.AstCallback ast, @Nullable Pointer astarg,
			LibDlm.@Nullable AstCallback bast, @Nullable Pointer range);

}
