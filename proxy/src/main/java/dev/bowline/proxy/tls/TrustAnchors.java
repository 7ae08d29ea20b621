package dev.bowline.proxy.tls;

import dev.bowline.proxy.config.ConfigException;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Builds the JDK's PKIX trust manager over a PEM CA bundle, or over the JDK's default trust store.
 * The PKIX manager checks the chain, validity dates, key usage and the JDK's algorithm constraints;
 * it does no hostname check (the contexts switch endpoint identification off).
 *
 * <p><b>Threading.</b> Stateless; the managers it returns are thread-safe.
 */
final class TrustAnchors {

  private TrustAnchors() {}

  /**
   * A trust manager that accepts chains ending at a certificate of {@code bundle}.
   *
   * @param field the config path that named the file, such as {@code
   *     ...validation_context.trusted_ca.filename}
   */
  static X509ExtendedTrustManager fromFile(Path bundle, String field) throws ConfigException {
    List<X509Certificate> certificates = PemFiles.certificates(bundle, field);
    try {
      KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
      store.load(null, null);
      for (int i = 0; i < certificates.size(); i++) {
        store.setCertificateEntry("ca-" + i, certificates.get(i));
      }
      return pkix(store);
    } catch (GeneralSecurityException | IOException e) {
      throw PemFiles.problem(field, bundle, "cannot build a trust store: " + e.getMessage());
    }
  }

  /** A trust manager over the JDK's default trust store ({@code cacerts}). */
  static X509ExtendedTrustManager jdkDefault() {
    try {
      return pkix(null);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK's default trust store cannot be loaded", e);
    }
  }

  /** The JDK's PKIX manager over the certificates of {@code store} (null: {@code cacerts}). */
  static X509ExtendedTrustManager pkix(KeyStore store) throws GeneralSecurityException {
    TrustManagerFactory factory = TrustManagerFactory.getInstance("PKIX");
    factory.init(store);
    for (TrustManager manager : factory.getTrustManagers()) {
      if (manager instanceof X509ExtendedTrustManager extended) {
        return extended;
      }
    }
    throw new GeneralSecurityException("the PKIX trust manager factory made no X.509 manager");
  }
}
