package dev.bowline.kernel.pilot.xds;

import com.google.protobuf.ByteString;
import io.envoyproxy.controlplane.cache.Resources;
import io.envoyproxy.envoy.config.core.v3.DataSource;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CertificateValidationContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The mesh's trust bundle as the SDS secret every client may subscribe to over ADS, named {@value
 * #NAME} as Istio names it: {@code validation_context.trusted_ca.inline_bytes} holds the roots as
 * PEM. A proxy installs it as its bundle, which is how new roots will reach proxies during a root
 * rotation. The secret is rebuilt only when the roots change, so every snapshot of a push shares
 * one list.
 *
 * <p><b>Threading.</b> Thread-safe; the roots supplier must not block.
 */
public final class TrustBundleSecret {

  /** The secret's name. */
  public static final String NAME = "ROOTCA";

  /** The type URL of secrets. */
  public static final String TYPE_URL = Resources.V3.SECRET_TYPE_URL;

  /** No trust bundle: no secret. */
  static final TrustBundleSecret NONE = new TrustBundleSecret(List::of);

  private record Built(List<X509Certificate> roots, List<Secret> secrets) {}

  private final Supplier<List<X509Certificate>> roots;
  private volatile Built built = new Built(List.of(), List.of());

  /** @param roots the trust bundle now */
  public TrustBundleSecret(Supplier<List<X509Certificate>> roots) {
    this.roots = Objects.requireNonNull(roots, "roots");
  }

  /** The secrets to serve: {@code ROOTCA} with the current roots, or none without roots. */
  List<Secret> current() {
    List<X509Certificate> now = roots.get();
    Built last = built;
    if (last.roots().equals(now)) {
      return last.secrets();
    }
    List<Secret> secrets = now.isEmpty() ? List.of() : List.of(of(now));
    built = new Built(List.copyOf(now), secrets);
    return secrets;
  }

  /** The {@code ROOTCA} secret of {@code roots}. */
  static Secret of(List<X509Certificate> roots) {
    StringBuilder pem = new StringBuilder();
    for (X509Certificate root : roots) {
      try {
        pem.append("-----BEGIN CERTIFICATE-----\n")
            .append(Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(root.getEncoded()))
            .append("\n-----END CERTIFICATE-----\n");
      } catch (CertificateEncodingException e) {
        throw new IllegalStateException("a root of the trust bundle cannot be encoded", e);
      }
    }
    return Secret.newBuilder()
        .setName(NAME)
        .setValidationContext(CertificateValidationContext.newBuilder()
            .setTrustedCa(DataSource.newBuilder().setInlineBytes(ByteString.copyFromUtf8(pem.toString()))))
        .build();
  }
}
