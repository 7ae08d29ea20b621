package dev.bowline.proxy.identity;

import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the roots of Istio's trust bundle secret ({@value WorkloadSecrets#TRUST_BUNDLE}) as the
 * control plane sends it over SDS: {@code validation_context.trusted_ca.inline_bytes} holding one
 * or more PEM certificates. Used by the proxy's xDS client and by the agent of a proxyless
 * application, which both install it into their {@link WorkloadSecrets}.
 *
 * <p><b>Threading.</b> Stateless.
 */
public final class TrustBundleSecrets {

  /** A secret that is not a trust bundle this side takes, with the field at fault. */
  public static final class InvalidException extends Exception {
    private static final long serialVersionUID = 1L;
    private final String field;

    InvalidException(String field, String reason) {
      super(reason, null, false, false);
      this.field = field;
    }

    /** The field path within the secret, such as {@code validation_context.trusted_ca}. */
    public String field() {
      return field;
    }
  }

  private TrustBundleSecrets() {}

  /**
   * The roots {@code secret} carries, in order.
   *
   * @throws InvalidException its name is not {@value WorkloadSecrets#TRUST_BUNDLE}, its trusted CA
   *     is not inline bytes, or those bytes hold no PEM certificate
   */
  public static List<X509Certificate> roots(Secret secret) throws InvalidException {
    if (!secret.getName().equals(WorkloadSecrets.TRUST_BUNDLE)) {
      throw new InvalidException("name", "'" + secret.getName() + "': only the trust bundle "
          + WorkloadSecrets.TRUST_BUNDLE + " is taken over SDS; the workload certificate comes from Citadel");
    }
    var trustedCa = secret.getValidationContext().getTrustedCa();
    if (!trustedCa.hasInlineBytes()) {
      throw new InvalidException("validation_context.trusted_ca", "must be inline_bytes (PEM roots)");
    }
    String field = "validation_context.trusted_ca.inline_bytes";
    List<X509Certificate> roots = new ArrayList<>();
    try {
      for (var c : CertificateFactory.getInstance("X.509").generateCertificates(trustedCa.getInlineBytes().newInput())) {
        roots.add((X509Certificate) c);
      }
    } catch (CertificateException e) {
      throw new InvalidException(field, "not PEM certificates: " + e.getMessage());
    }
    if (roots.isEmpty()) {
      throw new InvalidException(field, "holds no PEM certificate");
    }
    return List.copyOf(roots);
  }
}
