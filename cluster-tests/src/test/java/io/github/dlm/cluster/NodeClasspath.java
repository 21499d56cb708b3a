package io.github.dlm.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

/**
 * Stages this test JVM's class path on the cluster share so the nodes can run the project's
 * classes with {@code java -cp}. Jars are hard-linked when the share is on the same file
 * system (copied otherwise); class directories are packed into jars, because a class path
 * of jars only is what a JVM can keep in a class data sharing archive ({@code -XX:SharedArchiveFile},
 * see {@link VmCluster#javaCommand}), and one file per entry is fewer round trips over the
 * share than a tree of class files.
 */
final class NodeClasspath {

	private NodeClasspath() {
	}

	/**
	 * The class path of the running tests: Surefire/Failsafe's real one when the JVM was
	 * started through a manifest-only jar, else {@code java.class.path}.
	 * @return the entries, in order
	 */
	static List<Path> current() {
		String classPath = System.getProperty("surefire.test.class.path");
		if (classPath == null || classPath.isBlank()) {
			classPath = System.getProperty("java.class.path");
		}
		List<Path> entries = new ArrayList<>();
		for (String entry : classPath.split(java.io.File.pathSeparator)) {
			if (!entry.isBlank() && Files.exists(Path.of(entry))) {
				entries.add(Path.of(entry).toAbsolutePath());
			}
		}
		return entries;
	}

	/**
	 * Stages the entries under {@code target} (replacing what was there) and returns the
	 * class path as the nodes see it.
	 * @param entries class path entries on the host
	 * @param target directory inside the share
	 * @param guestTarget the same directory as the nodes see it
	 * @return a class path string for {@code java -cp} on the nodes
	 */
	static String stage(List<Path> entries, Path target, String guestTarget) {
		try {
			deleteRecursively(target);
			Files.createDirectories(target);
			List<String> guestEntries = new ArrayList<>();
			int index = 0;
			for (Path entry : entries) {
				String name = (index++) + "-" + entry.getFileName();
				if (Files.isDirectory(entry)) {
					name = name + ".jar";
				}
				Path staged = target.resolve(name);
				if (Files.isDirectory(entry)) {
					jar(entry, staged);
				}
				else {
					linkOrCopy(entry, staged);
				}
				guestEntries.add(guestTarget + "/" + name);
			}
			return String.join(":", guestEntries);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not stage the class path in " + target, ex);
		}
	}

	private static void linkOrCopy(Path source, Path target) throws IOException {
		try {
			Files.createLink(target, source);
		}
		catch (FileSystemException | UnsupportedOperationException ex) {
			Files.copy(source, target, StandardCopyOption.COPY_ATTRIBUTES);
		}
	}

	/** Packs a class directory into a jar, entries in a stable order. */
	private static void jar(Path source, Path target) throws IOException {
		List<Path> paths;
		try (Stream<Path> walk = Files.walk(source)) {
			paths = walk.filter((path) -> !path.equals(source)).sorted().toList();
		}
		try (JarOutputStream jar = new JarOutputStream(Files.newOutputStream(target))) {
			for (Path path : paths) {
				String name = source.relativize(path).toString().replace(java.io.File.separatorChar, '/');
				boolean directory = Files.isDirectory(path);
				JarEntry entry = new JarEntry(directory ? name + "/" : name);
				entry.setTime(Files.getLastModifiedTime(path).toMillis());
				jar.putNextEntry(entry);
				if (!directory) {
					Files.copy(path, jar);
				}
				jar.closeEntry();
			}
		}
	}

	static void deleteRecursively(Path path) throws IOException {
		if (!Files.exists(path)) {
			return;
		}
		try (Stream<Path> paths = Files.walk(path)) {
			for (Path p : (Iterable<Path>) paths.sorted(java.util.Comparator.reverseOrder())::iterator) {
				Files.delete(p);
			}
		}
	}

}
