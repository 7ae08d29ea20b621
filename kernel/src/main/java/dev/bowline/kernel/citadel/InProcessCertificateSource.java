package dev.bowline.kernel.citadel;

import dev.bowline.proxy.identity.CertificateSource;
import dev.bowline.proxy.tls.CertifiedKey;
import dev.bowline.spi.ca.CertificateAuthority;
import dev.bowline.spi.ca.CertificateAuthorityException;
import dev.bowline.spi.model.SpiffeId;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * Certificates for the control plane itself, signed in the process by the CA: the control plane's
 * key pair is made in memory and its CSR goes straight to {@link CertificateAuthority#sign}, so the
 * key never leaves the process and no network call is made. The identity is fixed at construction
 * (the control plane's, {@code spiffe://<td>/ns/bowline-system/sa/bowline-control-plane}).
 *
 * <p><b>Threading.</b> Thread-safe; signing runs on {@code signing}.
 */
public final class InProcessCertificateSource implements CertificateSource {

  private final CertificateAuthority ca;
  private final SpiffeId identity;
  private final Duration ttl;
  private final Executor signing;

  public InProcessCertificateSource(CertificateAuthority ca, SpiffeId identity, Duration ttl, Executor signing) {
    this.ca = Objects.requireNonNull(ca, "ca");
    this.identity = Objects.requireNonNull(identity, "identity");
    this.ttl = Objects.requireNonNull(ttl, "ttl");
    this.signing = Objects.requireNonNull(signing, "signing");
  }

  @Override
  public CompletableFuture<List<X509Certificate>> request(String csrPem, Optional<CertifiedKey> current) {
    return CompletableFuture.supplyAsync(() -> {
      try {
        List<X509Certificate> chain = ca.sign(der(csrPem), identity, ttl);
        IssuedSvid.check(chain, identity);
        return chain;
      } catch (CertificateAuthorityException e) {
        throw new IllegalStateException("the CA refused the control plane's own certificate for "
            + identity + ": " + e.getMessage(), e);
      } catch (CertificateException e) {
        throw new IllegalStateException(e.getMessage(), e);
      }
    }, signing);
  }

  private static byte[] der(String pem) {
    String body = pem.replace("-----BEGIN CERTIFICATE REQUEST-----", "")
        .replace("-----END CERTIFICATE REQUEST-----", "");
    return Base64.getMimeDecoder().decode(body);
  }
}
