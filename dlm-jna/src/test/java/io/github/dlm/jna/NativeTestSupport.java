package io.github.dlm.jna;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.sun.jna.Native;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * What the native tests need from the machine: libdlm3 and libdlm-dev (headers) and gcc.
 * They are installed by {@code scripts/install-native-deps.sh}, which CI runs; a missing
 * piece fails the test with that instruction instead of skipping it silently.
 */
final class NativeTestSupport {

	/**
	 * The tag of the tests that load the stand-in library {@code src/test/c/fake_libdlm.c}:
	 * they run in a Surefire execution, and so a JVM, of their own (see {@link LibDlmDirect}).
	 */
	static final String FAKE_LIBDLM = "fake-libdlm";

	static final Path HEADER = Paths.get("/usr/include/libdlm.h");

	static final Path C_SOURCES = Paths.get("src/test/c");

	static final Path BUILD = Paths.get("target/native-test");

	private static final String INSTALL = "run scripts/install-native-deps.sh (as root) to install libdlm3, "
			+ "libdlm-dev and gcc";

	private NativeTestSupport() {
	}

	/**
	 * Fails unless libdlm.so.3 can be loaded.
	 * @return the library
	 */
	static LibDlm requireLibDlm() {
		try {
			return LibDlmLoader.load(null);
		}
		catch (RuntimeException ex) {
			return fail("libdlm.so.3 is needed by this test but cannot be loaded: " + INSTALL + " (" + ex.getMessage()
					+ ")");
		}
	}

	/**
	 * Compiles a C file of src/test/c against the installed libdlm.h.
	 * @param source the file name
	 * @param extraArgs more gcc arguments (libraries last)
	 * @return the executable or shared object
	 */
	static Path compile(String source, String output, String... extraArgs) throws IOException, InterruptedException {
		return compile(C_SOURCES.resolve(source), output, extraArgs);
	}

	/**
	 * Compiles a C file against the installed libdlm.h.
	 * @param source the file
	 * @param output the output file name under target/native-test
	 * @param extraArgs more gcc arguments (libraries last)
	 * @return the executable or shared object
	 */
	static Path compile(Path source, String output, String... extraArgs) throws IOException, InterruptedException {
		if (!Files.isRegularFile(HEADER)) {
			fail(HEADER + " is needed by this test but missing: " + INSTALL);
		}
		Files.createDirectories(BUILD);
		Path out = BUILD.resolve(output);
		List<String> command = new ArrayList<>(List.of(gcc(), "-Wall", "-D_REENTRANT", "-o", out.toString(),
				source.toString()));
		command.addAll(List.of(extraArgs));
		Result result = run(command);
		assertThat(result.exitCode()).as("gcc %s failed:%n%s", command, result.output()).isZero();
		return out;
	}

	private static String gcc() {
		for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
			if (Files.isExecutable(Paths.get(dir, "gcc"))) {
				return Paths.get(dir, "gcc").toString();
			}
		}
		return fail("gcc is needed by this test but not on the PATH: " + INSTALL);
	}

	/**
	 * Runs an executable that prints {@code name=value} lines.
	 * @param executable the program
	 * @return the values in order
	 */
	static Map<String, Long> runForValues(Path executable) throws IOException, InterruptedException {
		Result result = run(List.of(executable.toAbsolutePath().toString()));
		assertThat(result.exitCode()).as("%s failed:%n%s", executable, result.output()).isZero();
		Map<String, Long> values = new LinkedHashMap<>();
		for (String line : result.output().split("\n")) {
			int equals = line.indexOf('=');
			if (equals > 0) {
				values.put(line.substring(0, equals), Long.parseLong(line.substring(equals + 1).trim()));
			}
		}
		return values;
	}

	static Result run(List<String> command) throws IOException, InterruptedException {
		Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
		byte[] output = process.getInputStream().readAllBytes();
		assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("%s did not finish", command).isTrue();
		return new Result(process.exitValue(), new String(output, StandardCharsets.UTF_8));
	}

	record Result(int exitCode, String output) {
	}

	/**
	 * Compiles the libdlm stand-in ({@code src/test/c/fake_libdlm.c}) and loads it, after
	 * the real libdlm (as when other native tests ran earlier in this JVM: JNA opens
	 * libraries RTLD_GLOBAL, so its symbols then precede the stand-in's for any call the
	 * stand-in makes to an exported dlm_* name). Staged every time on purpose.
	 * @return the stand-in's libdlm functions and its control functions
	 */
	static FakeLibDlm fakeLibDlm() throws IOException, InterruptedException {
		requireLibDlm();
		Path library = compile("fake_libdlm.c", "libfakedlm.so", "-shared", "-fPIC", "-pthread");
		String path = library.toAbsolutePath().toString();
		return new FakeLibDlm(LibDlmLoader.load(path),
				Native.load(path, NativeFakeKernelTests.FakeControl.class, Collections.emptyMap()));
	}

	/**
	 * The libdlm stand-in, loaded.
	 * @param libDlm its libdlm functions
	 * @param control its functions that steer and observe the fake kernel
	 */
	record FakeLibDlm(LibDlm libDlm, NativeFakeKernelTests.FakeControl control) {
	}

}
