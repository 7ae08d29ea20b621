package dev.bowline.proxy.config;

import java.util.Objects;

/**
 * What an HTTP connection manager does with the {@code x-forwarded-client-cert} (XFCC) header,
 * Envoy's {@code forward_client_cert_details} and {@code set_current_client_cert_details}. Istio
 * sets {@code APPEND_FORWARD} on a sidecar's inbound listeners and {@code SANITIZE_SET} on
 * gateways, each with the client's URI (its SPIFFE ID).
 *
 * <p>As in Envoy, on a connection whose client presented no certificate (plaintext included) the
 * header is removed whatever the mode, except {@link Mode#ALWAYS_FORWARD_ONLY}. With mutual TLS
 * the proxy's own element is {@code By=<this proxy's URI SAN>;Hash=<SHA-256 of the client
 * certificate>} followed by the details asked for, each in Envoy's order and form ({@code
 * Subject="..."}, {@code URI=...}, {@code DNS=...}).
 *
 * <p>Immutable.
 *
 * @param mode what happens to the header
 * @param subject add the client certificate's subject
 * @param uri add its URI SANs
 * @param dns add its DNS SANs
 */
public record ClientCertForwarding(Mode mode, boolean subject, boolean uri, boolean dns) {

  /** Envoy's default: the header never goes upstream. */
  public static final ClientCertForwarding SANITIZE =
      new ClientCertForwarding(Mode.SANITIZE, false, false, false);

  /** Envoy's {@code forward_client_cert_details}. */
  public enum Mode {
    /** Remove the header. */
    SANITIZE,
    /** With mutual TLS, forward the client's header as it is. */
    FORWARD_ONLY,
    /** With mutual TLS, append this hop's element to the client's header. */
    APPEND_FORWARD,
    /** With mutual TLS, replace the client's header with this hop's element. */
    SANITIZE_SET,
    /** Forward the client's header as it is, even without mutual TLS. */
    ALWAYS_FORWARD_ONLY
  }

  public ClientCertForwarding {
    Objects.requireNonNull(mode, "mode");
  }
}
