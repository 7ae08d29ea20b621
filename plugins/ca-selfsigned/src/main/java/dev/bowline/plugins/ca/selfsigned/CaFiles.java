package dev.bowline.plugins.ca.selfsigned;

import dev.bowline.plugins.ca.issuing.KeyMatch;
import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Set;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.util.io.pem.PemObjectGenerator;

/**
 * The self-signed CA's files in its data directory: {@code root-cert.pem} and {@code root-key.pem},
 * and with an intermediate {@code ca-cert.pem} and {@code ca-key.pem} (Istio's names). The
 * directory is created {@code 0700} and every file {@code 0600} (written to a private temporary
 * file, flushed to the disk, then moved into place); a key file that others may read is refused
 * when loaded. A file that cannot be read or parsed is an error naming it: it is never replaced.
 * {@link RootRotationFiles} lays out a rotation's files around these.
 *
 * <p>Not thread-safe: used at start-up on one thread, and by root rotation steps, which are
 * serialized.
 */
final class CaFiles {

  static final String ROOT_CERT = "root-cert.pem";
  static final String ROOT_KEY = "root-key.pem";
  static final String CA_CERT = "ca-cert.pem";
  static final String CA_KEY = "ca-key.pem";

  static final Set<PosixFilePermission> OWNER_ONLY_DIR =
      PosixFilePermissions.fromString("rwx------");
  static final Set<PosixFilePermission> OWNER_ONLY_FILE =
      PosixFilePermissions.fromString("rw-------");

  private final Path dir;
  private final boolean posix;

  CaFiles(Path dir) {
    this.dir = dir;
    this.posix = dir.getFileSystem().supportedFileAttributeViews().contains("posix");
  }

  Path dir() {
    return dir;
  }

  /** Whether both files of a pair exist; fails naming the one that is missing if only one does. */
  boolean hasPair(String certFile, String keyFile) {
    boolean cert = Files.exists(dir.resolve(certFile));
    boolean key = Files.exists(dir.resolve(keyFile));
    if (cert != key) {
      throw new IllegalStateException(
          dir.resolve(cert ? keyFile : certFile)
              + " is missing while "
              + dir.resolve(cert ? certFile : keyFile)
              + " exists; restore it (the CA never replaces key material on its own)");
    }
    return cert;
  }

  /** Reads a certificate and its key, checking that they belong together. */
  KeyAndCertificate load(String certFile, String keyFile) {
    X509Certificate cert = read(certFile, X509CertificateHolder.class, this::certificate);
    PrivateKey key = read(keyFile, PrivateKeyInfo.class, this::privateKey);
    requireOwnerOnly(dir.resolve(keyFile));
    if (!KeyMatch.matches(key, cert.getPublicKey())) {
      throw new IllegalStateException(
          dir.resolve(keyFile) + " is not the key of the certificate in " + dir.resolve(certFile));
    }
    return new KeyAndCertificate(new KeyPair(cert.getPublicKey(), key), cert);
  }

  /** Writes a certificate and its key, owner-only, creating the directory if needed. */
  void store(String certFile, String keyFile, KeyAndCertificate material) {
    try {
      createDirectory();
      write(keyFile, pem(new JcaPKCS8Generator(material.keyPair().getPrivate(), null)));
      write(certFile, pem(material.certificate()));
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot write the CA's files in " + dir + ": " + e.getMessage(), e);
    }
  }

  /** Creates the directory {@code 0700} (and missing parents) unless it exists. */
  void createDirectory() throws IOException {
    if (!Files.isDirectory(dir)) {
      Files.createDirectories(
          dir,
          posix
              ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(OWNER_ONLY_DIR)}
              : new FileAttribute<?>[0]);
    }
  }

  /**
   * Writes a new file {@code 0600}: to a private temporary file, flushed to the disk, then
   * atomically moved into place; the directory must exist.
   *
   * @throws FileAlreadyExistsException when the file exists
   */
  void write(String name, String text) throws IOException {
    Path target = dir.resolve(name);
    if (Files.exists(target)) {
      throw new FileAlreadyExistsException(target.toString());
    }
    Path temp =
        posix
            ? Files.createTempFile(
                dir, "." + name, ".tmp", PosixFilePermissions.asFileAttribute(OWNER_ONLY_FILE))
            : Files.createTempFile(dir, "." + name, ".tmp");
    try {
      try (FileChannel out = FileChannel.open(temp, StandardOpenOption.WRITE)) {
        out.write(ByteBuffer.wrap(text.getBytes(StandardCharsets.US_ASCII)));
        out.force(true);
      }
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(temp);
    }
    sync();
  }

  /**
   * Flushes the directory itself to the disk, so that the files created, moved or deleted in it
   * survive a power loss. A platform that cannot open a directory (Windows) is left to its own
   * ordering.
   */
  void sync() throws IOException {
    FileChannel channel;
    try {
      channel = FileChannel.open(dir, StandardOpenOption.READ);
    } catch (IOException e) {
      return;
    }
    try (channel) {
      channel.force(true);
    }
  }

  static String pem(Object object) throws IOException {
    StringWriter text = new StringWriter();
    try (JcaPEMWriter out = new JcaPEMWriter(text)) {
      if (object instanceof PemObjectGenerator generator) {
        out.writeObject(generator);
      } else {
        out.writeObject(object);
      }
    }
    return text.toString();
  }

  private void requireOwnerOnly(Path key) {
    if (!posix) {
      return;
    }
    try {
      Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(key);
      if (!OWNER_ONLY_FILE.containsAll(permissions)) {
        throw new IllegalStateException(
            key
                + " may be read by other users ("
                + PosixFilePermissions.toString(permissions)
                + "); make it owner-only: chmod 600 "
                + key);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the permissions of " + key, e);
    }
  }

  private <T, R> R read(String name, Class<T> type, Converter<T, R> converter) {
    Path file = dir.resolve(name);
    try (Reader in = Files.newBufferedReader(file, StandardCharsets.US_ASCII);
        PEMParser pem = new PEMParser(in)) {
      Object object = pem.readObject();
      if (!type.isInstance(object)) {
        throw new IllegalStateException(
            file
                + " does not hold "
                + describe(type)
                + (object == null
                    ? " (no PEM block found)"
                    : " but " + object.getClass().getSimpleName()));
      }
      return converter.convert(type.cast(object));
    } catch (IllegalStateException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  private X509Certificate certificate(X509CertificateHolder holder) throws Exception {
    return new JcaX509CertificateConverter().getCertificate(holder);
  }

  private PrivateKey privateKey(PrivateKeyInfo info) throws Exception {
    return new JcaPEMKeyConverter().getPrivateKey(info);
  }

  private static String describe(Class<?> type) {
    return type == X509CertificateHolder.class ? "a PEM certificate" : "a PEM private key (PKCS#8)";
  }

  @FunctionalInterface
  private interface Converter<T, R> {
    R convert(T value) throws Exception;
  }
}
