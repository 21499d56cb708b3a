package io.github.dlm.jna;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import com.sun.jna.NativeLibrary;
import com.sun.jna.ptr.IntByReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.github.dlm.core.DlmUnavailableException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Checks the mapping against the real {@code libdlm.so.3}: every function {@link LibDlm}
 * declares is exported, the library reports the device protocol it was built for, and the
 * path override fails clearly.
 */
class LibDlmSymbolTests {

	@Test
	void everyMappedFunctionIsExportedByLibdlm() {
		NativeTestSupport.requireLibDlm();
		NativeLibrary library = NativeLibrary.getInstance(LibDlm.SONAME);
		List<Method> functions = mappedFunctions();
		assertThat(functions).hasSizeGreaterThanOrEqualTo(10);
		for (Method function : functions) {
			assertThat(library.getFunction(function.getName())).as(function.getName()).isNotNull();
		}
	}

	@Test
	void everyDirectMappedFunctionIsMappedAndFoundInLibdlmsScope() {
		NativeTestSupport.requireLibDlm();
		NativeLibrary library = NativeLibrary.getInstance(LibDlm.SONAME);
		List<String> mapped = mappedFunctions().stream().map(Method::getName).toList();
		for (Method function : nativeMethods(LibDlmDirect.class)) {
			assertThat(mapped).as("LibDlm declares %s", function.getName()).contains(function.getName());
			assertThat(library.getFunction(function.getName())).as(function.getName()).isNotNull();
		}
		assertThat(nativeMethods(LibC.class)).extracting(Method::getName).containsExactlyInAnyOrder("write", "read", "poll", "fcntl");
		for (Method function : nativeMethods(LibC.class)) {
			assertThat(library.getFunction(function.getName())).as(function.getName()).isNotNull();
		}
	}

	@Test
	void onlyTheAsynchronousApiIsMapped() {
		// *_wait park a thread inside native code; dlm_ls_pthread_init runs callbacks on a
		// pthread that libdlm stops with pthread_cancel. Neither may creep into the mapping.
		assertThat(mappedFunctions()).extracting(Method::getName)
			.noneMatch((name) -> name.endsWith("_wait") || name.contains("pthread") || name.endsWith("_resource"));
	}

	@Test
	void libraryVersionIsTheDeviceProtocolSixZeroTwo() {
		LibDlm libDlm = NativeTestSupport.requireLibDlm();
		IntByReference major = new IntByReference(-1);
		IntByReference minor = new IntByReference(-1);
		IntByReference patch = new IntByReference(-1);
		libDlm.dlm_library_version(major, minor, patch);
		assertThat(List.of(major.getValue(), minor.getValue(), patch.getValue())).containsExactly(6, 0, 2);
	}

	@Test
	void loadsByAbsolutePathOverride() throws Exception {
		NativeTestSupport.requireLibDlm();
		// Where the dynamic linker found it: the mapping of this process names the file.
		String real = Files.readAllLines(Path.of("/proc/self/maps")).stream()
			.map((line) -> line.substring(line.lastIndexOf(' ') + 1))
			.filter((file) -> file.endsWith("/" + LibDlm.SONAME) || file.contains("/libdlm.so.3."))
			.findFirst()
			.orElseThrow();
		LibDlm libDlm = LibDlmLoader.load(real);
		IntByReference major = new IntByReference(-1);
		libDlm.dlm_library_version(major, new IntByReference(), new IntByReference());
		assertThat(major.getValue()).isEqualTo(6);
	}

	@Test
	void pathOverrideToAMissingFileNamesTheSettingAndTheFix(@TempDir Path dir) {
		String missing = dir.resolve("nowhere/libdlm.so.3").toString();
		assertThatExceptionOfType(DlmUnavailableException.class).isThrownBy(() -> LibDlmLoader.load(missing))
			.withMessageContaining(missing)
			.withMessageContaining("does not exist")
			.withMessageContaining("NativeDlmSettings.libraryPath")
			.withMessageNotContaining("dlm.native")
			.withMessageContaining("libdlm3");
	}

	@Test
	void pathOverrideToANonLibraryNamesTheFile(@TempDir Path dir) throws Exception {
		Path bogus = Files.writeString(dir.resolve("libdlm.so.3"), "not an ELF file");
		assertThatExceptionOfType(DlmUnavailableException.class).isThrownBy(() -> LibDlmLoader.load(bogus.toString()))
			.withMessageContaining(bogus.toString())
			.withMessageContaining("cannot be loaded");
	}

	@Test
	void pathOverrideToADirectoryIsRefused(@TempDir Path dir) {
		assertThatExceptionOfType(DlmUnavailableException.class).isThrownBy(() -> LibDlmLoader.load(dir.toString()))
			.withMessageContaining("is not a regular file");
	}

	@Test
	void benchmarkBaselineLoopCompilesAndLinksAgainstLibdlm() throws Exception {
		NativeTestSupport.requireLibDlm();
		Path loop = NativeTestSupport.compile(Path.of("../native-tools/dlm_lock_loop.c"), "dlm_lock_loop", "-O2",
				"-l:libdlm.so.3", "-lpthread");
		NativeTestSupport.Result usage = NativeTestSupport.run(List.of(loop.toAbsolutePath().toString(), "-n", "0"));
		assertThat(usage.exitCode()).isEqualTo(2);
		assertThat(usage.output()).contains("iterations > 0");
	}

	private static List<Method> nativeMethods(Class<?> type) {
		return Arrays.stream(type.getDeclaredMethods()).filter((method) -> Modifier.isNative(method.getModifiers()))
			.toList();
	}

	private static List<Method> mappedFunctions() {
		return Arrays.stream(LibDlm.class.getDeclaredMethods())
			.filter((method) -> Modifier.isAbstract(method.getModifiers()))
			.toList();
	}

}
