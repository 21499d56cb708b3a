package io.github.dlm.jna;

import java.io.File;
import java.util.Collections;

import com.sun.jna.Native;
import org.jspecify.annotations.Nullable;

import io.github.dlm.core.DlmUnavailableException;

/**
 * Where {@link LibDlm} is loaded from: the file {@link NativeDlmSettings#libraryPath()}
 * names, or else the system's {@value LibDlm#SONAME} (falling back to {@code libdlm.so},
 * which only {@code libdlm-dev} installs).
 */
final class LibDlmLoader {

	private LibDlmLoader() {
	}

	/**
	 * Loads libdlm.
	 * @param libraryPath the library file to load instead of searching the system's library
	 * path, or {@code null}
	 * @return the mapping
	 * @throws DlmUnavailableException naming the cause and the fix if it cannot be loaded
	 */
	static LibDlm load(@Nullable String libraryPath) {
		if (libraryPath != null) {
			File file = new File(libraryPath);
			if (!file.isFile()) {
				throw new DlmUnavailableException("The libdlm library path '" + libraryPath + "' "
						+ (file.exists() ? "is not a regular file" : "does not exist")
						+ ": point NativeDlmSettings.libraryPath at libdlm.so.3 (Debian: "
						+ "/usr/lib/x86_64-linux-gnu/libdlm.so.3 from the libdlm3 package) or leave it unset to use "
						+ "the system library", 0);
			}
			try {
				return Native.load(file.getAbsolutePath(), LibDlm.class, Collections.emptyMap());
			}
			catch (UnsatisfiedLinkError ex) {
				throw new DlmUnavailableException("The libdlm library '" + libraryPath + "' cannot be loaded: "
						+ ex.getMessage() + ". Point NativeDlmSettings.libraryPath at a libdlm.so.3 built for this "
						+ "platform", 0);
			}
		}
		try {
			return Native.load(LibDlm.SONAME, LibDlm.class, Collections.emptyMap());
		}
		catch (UnsatisfiedLinkError soname) {
			try {
				return Native.load(LibDlm.NAME, LibDlm.class, Collections.emptyMap());
			}
			catch (UnsatisfiedLinkError plain) {
				throw new DlmUnavailableException("libdlm (" + LibDlm.SONAME + ") is not installed or cannot be "
						+ "loaded (" + soname.getMessage() + "): install it with 'apt-get install libdlm3' "
						+ "(Debian/Ubuntu) or 'dnf install dlm-lib' (Fedora/RHEL), or point "
						+ "NativeDlmSettings.libraryPath at the library file", 0);
			}
		}
	}

}
