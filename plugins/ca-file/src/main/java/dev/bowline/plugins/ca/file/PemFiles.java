package dev.bowline.plugins.ca.file;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

/**
 * Reads the operator's PEM files: certificates ({@code CERTIFICATE} blocks, in order) and one
 * private key, PKCS#8 ({@code PRIVATE KEY}) or traditional ({@code EC PRIVATE KEY}, {@code RSA
 * PRIVATE KEY}). Encrypted keys are refused: Bowline has nowhere safe to keep a passphrase, so the
 * key file is protected by its permissions instead. Every error names the file.
 *
 * <p>Stateless and thread-safe.
 */
final class PemFiles {

  private PemFiles() {}

  /**
   * The certificates in {@code file}, in order; at least one.
   *
   * @throws IllegalStateException naming the file when it cannot be read, holds something other
   *     than certificates, or holds none
   */
  static List<X509Certificate> certificates(Path file) {
    List<X509Certificate> certificates = new ArrayList<>();
    try (Reader in = Files.newBufferedReader(file, StandardCharsets.US_ASCII);
        PEMParser pem = new PEMParser(in)) {
      for (Object object = pem.readObject(); object != null; object = pem.readObject()) {
        if (!(object instanceof X509CertificateHolder holder)) {
          throw new IllegalStateException(
              file
                  + " holds a "
                  + object.getClass().getSimpleName()
                  + " where only PEM certificates are expected");
        }
        certificates.add(new JcaX509CertificateConverter().getCertificate(holder));
      }
    } catch (IllegalStateException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException(
          "cannot read certificates from " + file + ": " + e.getMessage(), e);
    }
    if (certificates.isEmpty()) {
      throw new IllegalStateException(file + " holds no PEM certificate");
    }
    return List.copyOf(certificates);
  }

  /**
   * The private key in {@code file}.
   *
   * @throws IllegalStateException naming the file when it cannot be read, is encrypted, or holds no
   *     private key
   */
  static PrivateKey privateKey(Path file) {
    Object object;
    try (Reader in = Files.newBufferedReader(file, StandardCharsets.US_ASCII);
        PEMParser pem = new PEMParser(in)) {
      object = pem.readObject();
      if (object instanceof ASN1ObjectIdentifier) { // openssl ecparam -genkey's EC PARAMETERS block
        object = pem.readObject();
      }
    } catch (IOException e) {
      throw new IllegalStateException(
          "cannot read the private key in " + file + ": " + e.getMessage(), e);
    }
    if (object instanceof PKCS8EncryptedPrivateKeyInfo || object instanceof PEMEncryptedKeyPair) {
      throw new IllegalStateException(
          file
              + " holds an encrypted private key, which bowline.ca.file does not support: decrypt"
              + " it (openssl pkey -in encrypted.pem -out key.pem) and keep the file readable by"
              + " the Bowline user alone (chmod 600)");
    }
    try {
      JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
      if (object instanceof PrivateKeyInfo info) {
        return converter.getPrivateKey(info);
      }
      if (object instanceof PEMKeyPair pair) {
        return converter.getPrivateKey(pair.getPrivateKeyInfo()); // the public half may be absent
      }
    } catch (IOException e) {
      throw new IllegalStateException(
          "cannot decode the private key in " + file + ": " + e.getMessage(), e);
    }
    throw new IllegalStateException(
        file
            + " holds no PEM private key (PKCS#8 or traditional EC/RSA)"
            + (object == null ? "" : " but a " + object.getClass().getSimpleName()));
  }
}
