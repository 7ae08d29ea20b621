package dev.bowline.kernel.pilot.config;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/**
 * The files under {@code <dataDir>/config/} that keep API-applied resources across restarts:
 * one YAML document per resource at {@code <namespace>/<kind plural>/<name>.yaml}. Every write
 * goes to a temporary file in the same directory, is forced to disk and then atomically moved
 * over the old file, so a crash leaves the old or the new content, never half of one. Files and
 * directories are created owner-only where the file system has POSIX permissions. Not
 * thread-safe: {@link ConfigStore} calls it under its lock.
 */
final class PersistedResources {

  private static final String TEMP_PREFIX = ".tmp-";
  private static final int MAX_FILE_NAME = 200;

  private final Path root;

  PersistedResources(Path root) {
    this.root = root;
  }

  Path root() {
    return root;
  }

  /** The file that holds {@code key}. */
  Path pathOf(ConfigKey key) {
    String name = key.name();
    if (name.length() > MAX_FILE_NAME) {
      name = name.substring(0, MAX_FILE_NAME - 17) + "-" + sha256(key.name()).substring(0, 16);
    }
    return root.resolve(key.namespace()).resolve(key.kind().plural()).resolve(name + ".yaml");
  }

  /** Writes {@code text} as the content for {@code key}, atomically. */
  void write(ConfigKey key, String text) throws IOException {
    Path target = pathOf(key);
    Path dir = target.getParent();
    createDirectories(dir);
    Path temp = Files.createTempFile(dir, TEMP_PREFIX, ".yaml", ownerOnly(dir.getFileSystem(), "rw-------"));
    try {
      try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
        ByteBuffer bytes = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
        while (bytes.hasRemaining()) {
          ch.write(bytes);
        }
        ch.force(true);
      }
      try {
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(temp);
    }
    forceDirectory(dir);
  }

  /** Deletes the file of {@code key}, if there is one. */
  void delete(ConfigKey key) throws IOException {
    Path file = pathOf(key);
    if (Files.deleteIfExists(file)) {
      forceDirectory(file.getParent());
    }
  }

  /** Every persisted resource file; stray temporary files of an interrupted write are removed. */
  List<Path> files() throws IOException {
    if (!Files.isDirectory(root)) {
      return List.of();
    }
    List<Path> out = new ArrayList<>();
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : (Iterable<Path>) walk.sorted()::iterator) {
        if (!Files.isRegularFile(p)) {
          continue;
        }
        String name = p.getFileName().toString();
        if (name.startsWith(TEMP_PREFIX)) {
          Files.deleteIfExists(p);
        } else if (name.endsWith(".yaml")) {
          out.add(p);
        }
      }
    }
    return out;
  }

  /** Removes directories left empty under the root by deletions. */
  void pruneEmptyDirectories() throws IOException {
    if (!Files.isDirectory(root)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path dir : (Iterable<Path>) walk.sorted((a, b) -> b.getNameCount() - a.getNameCount())::iterator) {
        if (!dir.equals(root) && Files.isDirectory(dir) && isEmpty(dir)) {
          Files.deleteIfExists(dir);
        }
      }
    }
  }

  private static boolean isEmpty(Path dir) throws IOException {
    try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
      return !s.iterator().hasNext();
    }
  }

  private void createDirectories(Path dir) throws IOException {
    if (Files.isDirectory(dir)) {
      return;
    }
    List<Path> missing = new ArrayList<>();
    for (Path p = dir; p != null && !Files.exists(p); p = p.getParent()) {
      missing.add(0, p);
    }
    for (Path p : missing) {
      try {
        Files.createDirectory(p, ownerOnly(p.getFileSystem(), "rwx------"));
      } catch (java.nio.file.FileAlreadyExistsException e) {
        // created concurrently: fine
      }
    }
  }

  private static FileAttribute<?>[] ownerOnly(FileSystem fs, String permissions) {
    if (fs.supportedFileAttributeViews().contains("posix")) {
      return new FileAttribute<?>[] {
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(permissions))
      };
    }
    return new FileAttribute<?>[0];
  }

  private static void forceDirectory(Path dir) {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException | UnsupportedOperationException e) {
      // Not every platform can sync a directory; the rename itself is atomic.
    }
  }

  private static String sha256(String s) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is always available", e);
    }
  }
}
