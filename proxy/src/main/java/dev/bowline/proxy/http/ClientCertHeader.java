package dev.bowline.proxy.http;

import dev.bowline.proxy.config.ClientCertForwarding;
import dev.bowline.proxy.tls.PeerIdentity;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.Optional;

/**
 * Applies a connection manager's {@link ClientCertForwarding} to a request going upstream: the
 * {@code x-forwarded-client-cert} header, built and trimmed exactly as Envoy's {@code
 * forward_client_cert_details} does it. Without a client certificate on the downstream connection
 * (plaintext, or TLS without one) a client-sent header is removed unless the mode is {@code
 * ALWAYS_FORWARD_ONLY}, so a plaintext client cannot claim an identity.
 *
 * <p><b>Threading.</b> Stateless; runs on the request's event loop.
 */
final class ClientCertHeader {

  static final String NAME = "x-forwarded-client-cert";

  private ClientCertHeader() {}

  static void apply(
      HttpHeaders headers, ClientCertForwarding forwarding, Optional<PeerIdentity> peer) {
    ClientCertForwarding.Mode mode = forwarding.mode();
    if (mode == ClientCertForwarding.Mode.ALWAYS_FORWARD_ONLY) {
      return;
    }
    if (peer.isEmpty() || mode == ClientCertForwarding.Mode.SANITIZE) {
      headers.remove(NAME);
      return;
    }
    if (mode == ClientCertForwarding.Mode.FORWARD_ONLY) {
      return;
    }
    String element = element(peer.get(), forwarding);
    String existing = headers.get(NAME);
    if (mode == ClientCertForwarding.Mode.APPEND_FORWARD
        && existing != null
        && !existing.isEmpty()) {
      headers.set(NAME, existing + "," + element);
    } else {
      headers.set(NAME, element);
    }
  }

  /** This hop's element: {@code By=...;Hash=...}, then the details asked for, in Envoy's order. */
  static String element(PeerIdentity peer, ClientCertForwarding forwarding) {
    StringBuilder out = new StringBuilder(160);
    for (String uri : peer.localUriSans()) {
      append(out, "By=").append(uri);
    }
    append(out, "Hash=").append(peer.certificateSha256());
    if (forwarding.subject()) {
      append(out, "Subject=\"").append(peer.subject().replace("\"", "\\\"")).append('"');
    }
    if (forwarding.uri()) {
      if (peer.uriSans().isEmpty()) {
        append(out, "URI=");
      }
      for (String uri : peer.uriSans()) {
        append(out, "URI=").append(uri);
      }
    }
    if (forwarding.dns()) {
      for (String dns : peer.dnsSans()) {
        append(out, "DNS=").append(dns);
      }
    }
    return out.toString();
  }

  private static StringBuilder append(StringBuilder out, String key) {
    if (out.length() > 0) {
      out.append(';');
    }
    return out.append(key);
  }
}
