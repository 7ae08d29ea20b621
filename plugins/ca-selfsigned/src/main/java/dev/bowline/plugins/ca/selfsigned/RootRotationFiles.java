package dev.bowline.plugins.ca.selfsigned;

import dev.bowline.spi.ca.RootRotation.Phase;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.cert.X509Certificate;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.slf4j.Logger;

/**
 * The files of a root rotation in the self-signed CA's data directory, beside the current
 * material of {@link CaFiles}, and the file operations of each step, ordered so that a crash
 * between any two of them leaves a directory that {@link #recover} reads as the phase before the
 * step or the phase after it (finishing the step when it was past its point of no return): never
 * an error, never a lost key.
 *
 * <pre>
 * root-cert.pem, root-key.pem      the current root: the old one while a rotation runs
 * ca-cert.pem, ca-key.pem          its intermediate, with intermediate: true
 * next/                            PREPARED or ACTIVATED: the new root
 *   root-cert.pem, root-key.pem
 *   ca-cert.pem, ca-key.pem        its intermediate, with intermediate: true
 *   ACTIVE                         ACTIVATED: the new root signs
 *   RETIRING                       a retire past its point of no return (ACTIVE renamed)
 * .next.tmp/                       a prepare under way
 * retired/
 *   &lt;serial&gt;-root-cert.pem         each retired root's certificate (serial in hex)
 * </pre>
 *
 * <p>Directories are {@code 0700} and files {@code 0600}; each file is written to a temporary file
 * ({@code .<name>*.tmp}), flushed to the disk, and atomically moved into place, and a step flushes
 * the directories it changed before it returns, so a step is durable once it returns.
 *
 * <p><b>Steps and crashes.</b>
 *
 * <ul>
 *   <li>{@link #storeNext prepare} (IDLE to PREPARED) writes the new root, and its intermediate,
 *       in {@code .next.tmp/}, then renames {@code .next.tmp/} to {@code next/}. The rename is the
 *       step: before it start-up finds at most {@code .next.tmp/}, deletes it and is IDLE; after
 *       it, PREPARED.
 *   <li>{@link #markActive activate} (PREPARED to ACTIVATED) writes {@code next/ACTIVE}: before
 *       its move into place, PREPARED; after, ACTIVATED.
 *   <li>{@link #retire} (ACTIVATED to IDLE):
 *       <ol>
 *         <li>writes the old root's certificate to {@code retired/} (unless there already);
 *         <li>when the new material has no intermediate, deletes the old {@code ca-key.pem} and
 *             {@code ca-cert.pem} at the top, which a CA without an intermediate never loads;
 *         <li>renames {@code next/ACTIVE} to {@code next/RETIRING}. A crash before this is still
 *             ACTIVATED (with the archive written, which the repeated step keeps); after it,
 *             start-up finishes the retire:
 *         <li>for each of {@code ca-key.pem}, {@code ca-cert.pem}, {@code root-key.pem}, {@code
 *             root-cert.pem} still in {@code next/}: deletes the file of that name at the top (the
 *             old key is destroyed here) and moves the new one up. A move is atomic, so a file in
 *             {@code next/} is always new material and its namesake at the top always old:
 *             repeating the loop moves what is left and never deletes new material;
 *         <li>deletes the temporary files in {@code next/}, then {@code RETIRING}, then {@code
 *             next/}. A {@code next/} left holding nothing is removed at start-up.
 *       </ol>
 * </ul>
 *
 * <p>Start-up ({@link #recover}) thus deletes {@code .next.tmp/} and temporary files, finishes a
 * retire when it finds {@code next/RETIRING}, removes an empty {@code next/}, and otherwise reads
 * the phase: no {@code next/}, IDLE; {@code next/} without {@code ACTIVE}, PREPARED; with it,
 * ACTIVATED.
 *
 * <p>Not thread-safe: used at start-up on one thread, then by the rotation steps, which are
 * serialized.
 */
final class RootRotationFiles {

  static final String NEXT = "next";
  static final String NEXT_TEMP = ".next.tmp";
  static final String RETIRED = "retired";
  static final String ACTIVE = "ACTIVE";
  static final String RETIRING = "RETIRING";

  /** The material files, in the order a retire moves them: the root certificate last. */
  private static final List<String> MATERIAL =
      List.of(CaFiles.CA_KEY, CaFiles.CA_CERT, CaFiles.ROOT_KEY, CaFiles.ROOT_CERT);

  private final CaFiles current;
  private final CaFiles next;
  private final Path dir;

  RootRotationFiles(CaFiles current) {
    this.current = current;
    this.dir = current.dir();
    this.next = new CaFiles(dir.resolve(NEXT));
  }

  /** The current material's files, at the top of the data directory. */
  CaFiles current() {
    return current;
  }

  /** The next material's files, in {@code next/}. */
  CaFiles next() {
    return next;
  }

  /** Where the certificate of the retired root {@code root} is kept. */
  Path archive(X509Certificate root) {
    return dir.resolve(RETIRED).resolve(root.getSerialNumber().toString(16) + "-root-cert.pem");
  }

  /**
   * Brings the directory to a phase at start-up (see the class comment) and returns it.
   *
   * @throws IllegalStateException naming the path, when {@code next/} is not a directory
   * @throws UncheckedIOException when the files cannot be read or changed
   */
  Phase recover(Logger log) {
    try {
      Path temp = dir.resolve(NEXT_TEMP);
      if (Files.exists(temp, LinkOption.NOFOLLOW_LINKS)) {
        deleteTree(temp);
        current.sync();
        log.info("removed {}: a root rotation's prepare did not finish", temp);
      }
      removeTempFiles(dir);
      removeTempFiles(dir.resolve(RETIRED));
      Path nextDir = next.dir();
      if (!Files.exists(nextDir, LinkOption.NOFOLLOW_LINKS)) {
        return Phase.IDLE;
      }
      if (!Files.isDirectory(nextDir, LinkOption.NOFOLLOW_LINKS)) {
        throw new IllegalStateException(
            nextDir + " is not a directory; it should hold the new root of a root rotation");
      }
      removeTempFiles(nextDir);
      if (Files.exists(nextDir.resolve(RETIRING))) {
        finishRetire();
        log.info("finished retiring the old root: the root in {} is the only one", dir);
        return Phase.IDLE;
      }
      if (isEmpty(nextDir)) {
        Files.delete(nextDir);
        current.sync();
        return Phase.IDLE;
      }
      return Files.exists(nextDir.resolve(ACTIVE)) ? Phase.ACTIVATED : Phase.PREPARED;
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot bring the root rotation's files in " + dir + " to a phase: " + e.getMessage(), e);
    }
  }

  /**
   * Prepare: stores the new root (and its intermediate, if {@code material} has one) in {@code
   * next/}, all or nothing.
   *
   * @throws FileAlreadyExistsException when {@code next/} exists
   */
  void storeNext(IssuingMaterial material) throws IOException {
    if (Files.exists(next.dir(), LinkOption.NOFOLLOW_LINKS)) {
      throw new FileAlreadyExistsException(
          next.dir() + " exists: a root rotation is already under way");
    }
    Path temp = dir.resolve(NEXT_TEMP);
    deleteTree(temp);
    CaFiles staging = new CaFiles(temp);
    try {
      staging.store(CaFiles.ROOT_CERT, CaFiles.ROOT_KEY, material.root());
      if (material.intermediate() != null) {
        staging.store(CaFiles.CA_CERT, CaFiles.CA_KEY, material.signer());
      }
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
    staging.sync();
    Files.move(temp, next.dir(), StandardCopyOption.ATOMIC_MOVE);
    current.sync();
  }

  /** Activate: marks the new root in {@code next/} as the signing one. */
  void markActive() throws IOException {
    if (!Files.exists(next.dir().resolve(ACTIVE))) {
      next.write(ACTIVE, "The root in this directory signs new leaves.\n");
    }
  }

  /**
   * Retire: archives {@code oldRoot}, the current root, deletes the current material and moves
   * the next one in its place. Resumes a retire that failed half way.
   *
   * @throws IllegalStateException when {@code next/} is neither activated nor retiring
   */
  void retire(X509Certificate oldRoot) throws IOException {
    Path nextDir = next.dir();
    if (Files.exists(nextDir.resolve(ACTIVE))) {
      Path archive = archive(oldRoot);
      CaFiles retired = new CaFiles(archive.getParent());
      retired.createDirectory();
      if (!Files.exists(archive)) {
        retired.write(archive.getFileName().toString(), CaFiles.pem(oldRoot));
      }
      if (!Files.exists(nextDir.resolve(CaFiles.CA_CERT))) {
        Files.deleteIfExists(dir.resolve(CaFiles.CA_KEY));
        Files.deleteIfExists(dir.resolve(CaFiles.CA_CERT));
        current.sync();
      }
      Files.move(
          nextDir.resolve(ACTIVE), nextDir.resolve(RETIRING), StandardCopyOption.ATOMIC_MOVE);
      next.sync();
    } else if (!Files.exists(nextDir.resolve(RETIRING))) {
      throw new IllegalStateException(
          nextDir + " holds neither " + ACTIVE + " nor " + RETIRING + ": the rotation is not"
              + " activated");
    }
    finishRetire();
  }

  private void finishRetire() throws IOException {
    Path nextDir = next.dir();
    for (String name : MATERIAL) {
      Path from = nextDir.resolve(name);
      if (Files.exists(from, LinkOption.NOFOLLOW_LINKS)) {
        Path to = dir.resolve(name);
        Files.deleteIfExists(to);
        Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
      }
    }
    current.sync();
    next.sync();
    removeTempFiles(nextDir);
    Files.deleteIfExists(nextDir.resolve(RETIRING));
    Files.delete(nextDir);
    current.sync();
  }

  private static boolean isEmpty(Path directory) throws IOException {
    try (Stream<Path> entries = Files.list(directory)) {
      return entries.findAny().isEmpty();
    }
  }

  /** Deletes the temporary files ({@code .<name>*.tmp}) a crash inside a write left. */
  private static void removeTempFiles(Path directory) throws IOException {
    if (!Files.isDirectory(directory, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    List<Path> temps;
    try (Stream<Path> entries = Files.list(directory)) {
      temps =
          entries
              .filter(
                  p -> {
                    String name = p.getFileName().toString();
                    return name.startsWith(".")
                        && name.endsWith(".tmp")
                        && Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS);
                  })
              .toList();
    }
    for (Path temp : temps) {
      Files.deleteIfExists(temp);
    }
  }

  private static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    List<Path> paths;
    try (Stream<Path> walk = Files.walk(root)) {
      paths = walk.sorted(Comparator.reverseOrder()).toList();
    }
    for (Path path : paths) {
      Files.deleteIfExists(path);
    }
  }
}
