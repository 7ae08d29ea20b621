package dev.bowline.kernel.pilot.xds;

import com.google.protobuf.ByteString;
import dev.bowline.proxy.tls.CertificatePem;
import io.envoyproxy.controlplane.cache.Resources;
import io.envoyproxy.envoy.config.core.v3.DataSource;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CertificateValidationContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
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

  /** The secrets served for some roots, and their version ({@code ""} without roots). */
  record Served(List<X509Certificate> roots, List<Secret> secrets, String version) {}

  private final Supplier<List<X509Certificate>> roots;
  private volatile Served built = new Served(List.of(), List.of(), "");

  /** @param roots the trust bundle now */
  public TrustBundleSecret(Supplier<List<X509Certificate>> roots) {
    this.roots = Objects.requireNonNull(roots, "roots");
  }

  /** The secrets to serve: {@code ROOTCA} with the current roots, or none without roots. */
  List<Secret> current() {
    return served().secrets();
  }

  /** The secrets to serve now with their version. */
  Served served() {
    List<X509Certificate> now = roots.get();
    Served last = built;
    if (last.roots().equals(now)) {
      return last;
    }
    Served fresh = now.isEmpty()
        ? new Served(List.of(), List.of(), "")
        : new Served(List.copyOf(now), List.of(of(now)), versionOf(now));
    built = fresh;
    return fresh;
  }

  /**
   * The SDS version under which {@code roots} are served: the first 16 hex digits of the SHA-256 of
   * the secret, so the same roots in the same order always have the same version, whichever
   * control plane process serves them. A client that acknowledged this version holds these roots.
   */
  public static String versionOf(List<X509Certificate> roots) {
    if (roots.isEmpty()) {
      return "";
    }
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(of(roots).toByteArray());
      return HexFormat.of().formatHex(digest).substring(0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  /** The {@code ROOTCA} secret of {@code roots}. */
  static Secret of(List<X509Certificate> roots) {
    String pem;
    try {
      pem = CertificatePem.of(roots);
    } catch (CertificateEncodingException e) {
      throw new IllegalStateException("a root of the trust bundle cannot be encoded", e);
    }
    return Secret.newBuilder()
        .setName(NAME)
        .setValidationContext(CertificateValidationContext.newBuilder()
            .setTrustedCa(DataSource.newBuilder().setInlineBytes(ByteString.copyFromUtf8(pem))))
        .build();
  }
}
