package dev.bowline.proxy.tls;

import dev.bowline.proxy.config.ConfigException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.InvalidKeySpecException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads PEM certificate chains and PEM private keys from files, with the JDK alone.
 *
 * <p>Keys may be PKCS#8 ({@code BEGIN PRIVATE KEY}: RSA, RSASSA-PSS, EC, Ed25519, Ed448), PKCS#1
 * ({@code BEGIN RSA PRIVATE KEY}) or SEC1 with a named curve ({@code BEGIN EC PRIVATE KEY}); an
 * {@code EC PARAMETERS} block beside the key is ignored. Encrypted keys are refused.
 *
 * <p>Every failure is a {@link ConfigException} with one problem of the form {@code FIELD: FILE:
 * REASON}, where {@code FIELD} is the caller's path of the config field that named the file, for
 * example {@code ...tls_certificates[0].private_key.filename: /etc/certs/key.pem: not a PEM private
 * key}.
 *
 * <p><b>Threading.</b> Stateless; blocking file I/O, so call it while loading config, never on an
 * event loop.
 */
public final class PemFiles {

  /** Larger than any sane certificate bundle; stops a mistyped path from filling the heap. */
  private static final long MAX_FILE_BYTES = 16L * 1024 * 1024;

  private static final String CERTIFICATE_LABEL = "CERTIFICATE";

  private PemFiles() {}

  /**
   * The certificates of a PEM file in file order (for a chain: leaf first).
   *
   * @param file the PEM file
   * @param field the config path of the field that named the file, used in errors
   * @throws ConfigException when the file cannot be read or holds no valid certificate
   */
  public static List<X509Certificate> certificates(Path file, String field) throws ConfigException {
    List<Pem.Block> blocks = blocks(file, field);
    List<X509Certificate> certificates = new ArrayList<>();
    CertificateFactory factory;
    try {
      factory = CertificateFactory.getInstance("X.509");
    } catch (CertificateException e) {
      throw new IllegalStateException("the JDK has no X.509 certificate factory", e);
    }
    for (Pem.Block block : blocks) {
      if (!block.label().equals(CERTIFICATE_LABEL)) {
        continue;
      }
      try {
        certificates.add(
            (X509Certificate) factory.generateCertificate(new ByteArrayInputStream(block.der())));
      } catch (CertificateException | ClassCastException e) {
        throw problem(
            field,
            file,
            "certificate "
                + (certificates.size() + 1)
                + " is not a valid X.509 certificate: "
                + e.getMessage());
      }
    }
    if (certificates.isEmpty()) {
      throw problem(field, file, "not a PEM certificate file (no BEGIN CERTIFICATE block)");
    }
    return List.copyOf(certificates);
  }

  /**
   * The one private key of a PEM file.
   *
   * @param file the PEM file
   * @param field the config path of the field that named the file, used in errors
   * @throws ConfigException when the file cannot be read, holds no private key or several, or the
   *     key is encrypted or of an unsupported type
   */
  public static PrivateKey privateKey(Path file, String field) throws ConfigException {
    List<Pem.Block> keys =
        blocks(file, field).stream().filter(PrivateKeyDecoder::isPrivateKey).toList();
    if (keys.isEmpty()) {
      throw problem(field, file, "not a PEM private key");
    }
    if (keys.size() > 1) {
      throw problem(field, file, "holds " + keys.size() + " private keys; expected one");
    }
    try {
      return PrivateKeyDecoder.decode(keys.get(0));
    } catch (InvalidKeySpecException e) {
      throw problem(field, file, e.getMessage());
    }
  }

  private static List<Pem.Block> blocks(Path file, String field) throws ConfigException {
    String text;
    try {
      if (Files.isDirectory(file)) {
        throw problem(field, file, "is a directory, not a file");
      }
      if (Files.size(file) > MAX_FILE_BYTES) {
        throw problem(field, file, "larger than " + MAX_FILE_BYTES + " bytes; not a PEM file");
      }
      // ISO-8859-1 maps every byte, so comments in any encoding cannot fail the read.
      text = Files.readString(file, StandardCharsets.ISO_8859_1);
    } catch (NoSuchFileException e) {
      throw problem(field, file, "no such file");
    } catch (AccessDeniedException e) {
      throw problem(field, file, "permission denied");
    } catch (IOException e) {
      throw problem(field, file, "cannot read: " + e.getMessage());
    }
    try {
      return Pem.parse(text);
    } catch (Pem.MalformedException e) {
      throw problem(field, file, e.getMessage());
    }
  }

  static ConfigException problem(String field, Path file, String reason) {
    return new ConfigException(field + ": " + file + ": " + reason);
  }
}
