package io.github.dlm.jna;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Proxy;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;

import io.github.dlm.core.DlmUnavailableException;

/**
 * Binds {@link LibDlm.Direct}'s natives to one loaded library, once per library.
 * <p>
 * JNI keeps one binding per class, so a class per library is defined: each gets its own
 * {@link ClassLoader} that defines a copy of {@link LibDlm.Direct} from the same class file
 * and delegates everything else (JNA, {@link LibDlm}) to this class's loader. The copy is
 * then registered with {@link Native#register(Class, NativeLibrary)}; its symbols are looked
 * up in the library's own scope, exactly as the interface mapping's are.
 */
final class LibDlmDirectBinding {

	private static final String NAME = LibDlm.Direct.class.getName();

	private static final Map<NativeLibrary, LibDlm.HotPath> bindings = new ConcurrentHashMap<>();

	private LibDlmDirectBinding() {
	}

	/**
	 * The direct calls of the library behind a mapping.
	 * @param libDlm the mapping
	 * @return the calls
	 */
	static LibDlm.HotPath of(LibDlm libDlm) {
		NativeLibrary library = ((Library.Handler) Proxy.getInvocationHandler(libDlm)).getNativeLibrary();
		return bindings.computeIfAbsent(library, LibDlmDirectBinding::bind);
	}

	private static LibDlm.HotPath bind(NativeLibrary library) {
		try {
			Class<?> direct = new CopyLoader(LibDlm.class.getClassLoader()).loadClass(NAME);
			Native.register(direct, library);
			return (LibDlm.HotPath) direct.getConstructor().newInstance();
		}
		catch (ReflectiveOperationException | IOException | LinkageError ex) {
			throw new DlmUnavailableException("Cannot bind libdlm's lock calls by direct mapping in "
					+ library.getFile() + ": " + ex, 0);
		}
	}

	private static final class CopyLoader extends ClassLoader {

		private final byte[] bytes;

		CopyLoader(ClassLoader parent) throws IOException {
			super(parent);
			String resource = NAME.substring(NAME.lastIndexOf('.') + 1) + ".class";
			try (InputStream in = LibDlm.Direct.class.getResourceAsStream(resource)) {
				if (in == null) {
					throw new IOException("class file " + resource + " not found beside " + LibDlm.class);
				}
				this.bytes = in.readAllBytes();
			}
		}

		@Override
		protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
			if (!NAME.equals(name)) {
				return super.loadClass(name, resolve);
			}
			synchronized (getClassLoadingLock(name)) {
				Class<?> loaded = findLoadedClass(name);
				return (loaded != null) ? loaded : defineClass(name, this.bytes, 0, this.bytes.length);
			}
		}

	}

}
