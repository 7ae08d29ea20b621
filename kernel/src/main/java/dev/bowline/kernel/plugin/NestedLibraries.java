package dev.bowline.kernel.plugin;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * The jars a plugin jar carries under {@code lib/}, its private dependencies, and where they are
 * copied to when its class loader first needs them (a JVM cannot load classes from a jar inside a
 * jar). Copying is left until then because it costs: the CA plugins carry 9 MiB of BouncyCastle,
 * which a proxy, which never issues a certificate, would otherwise inflate on every start.
 *
 * <p>Thread-safe: {@link #extract()} copies once, whichever thread asks first.
 */
final class NestedLibraries {

  /** No nested libraries. */
  static final NestedLibraries NONE = new NestedLibraries(null, null, List.of());

  private final Path jar;
  private final Path target;
  private final List<String> entries;
  private List<Path> extracted; // guarded by this

  private NestedLibraries(Path jar, Path target, List<String> entries) {
    this.jar = jar;
    this.target = target;
    this.entries = entries;
  }

  /**
   * The nested libraries of {@code jar}, listed from its directory (nothing is copied yet).
   *
   * @param target the directory to copy them to, created when they are copied
   * @throws UncheckedIOException the jar cannot be read
   */
  static NestedLibraries of(Path jar, Path target) {
    List<String> entries = new ArrayList<>();
    try (ZipFile zip = new ZipFile(jar.toFile())) {
      Enumeration<? extends ZipEntry> all = zip.entries();
      while (all.hasMoreElements()) {
        ZipEntry entry = all.nextElement();
        if (isNestedLibrary(entry)) {
          entries.add(entry.getName());
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the libraries inside " + jar, e);
    }
    return entries.isEmpty() ? NONE : new NestedLibraries(jar, target, List.copyOf(entries));
  }

  /** Whether there is nothing to copy. */
  boolean isEmpty() {
    return entries.isEmpty();
  }

  /**
   * Copies the libraries out, the first time; returns the copies.
   *
   * @throws UncheckedIOException a library cannot be copied; the next call tries again
   */
  synchronized List<Path> extract() {
    if (extracted != null) {
      return extracted;
    }
    List<Path> out = new ArrayList<>(entries.size());
    try (ZipFile zip = new ZipFile(jar.toFile())) {
      Files.createDirectories(target);
      for (String name : entries) {
        Path copy = target.resolve(Path.of(name).getFileName().toString());
        try (InputStream in = zip.getInputStream(zip.getEntry(name))) {
          Files.copy(in, copy, StandardCopyOption.REPLACE_EXISTING);
        }
        out.add(copy);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot copy out the libraries inside " + jar, e);
    }
    extracted = List.copyOf(out);
    return extracted;
  }

  private static boolean isNestedLibrary(ZipEntry entry) {
    String name = entry.getName();
    return !entry.isDirectory()
        && name.startsWith("lib/")
        && name.endsWith(".jar")
        && name.indexOf('/', 4) < 0;
  }
}
