package dev.bowline.proxy.tls;

import dev.bowline.spi.model.SpiffeId;
import io.netty.channel.Channel;
import io.netty.util.AttributeKey;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.Certificate;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * Who is on the other end of a downstream TLS connection, as its verified certificate says: kept
 * on the connection's channel under {@link #ATTRIBUTE} once the handshake succeeded and the peer
 * presented a certificate, for everything that later serves the connection's requests.
 *
 * <p><b>Reading it.</b> {@link #of(Channel)} with the channel a request arrived on (an HTTP/1.1
 * connection, or an HTTP/2 stream channel, whose parent connection holds it). Empty means the
 * connection is plaintext or the client sent no certificate. With mutual TLS against the workload
 * trust bundle the certificate was verified as a SPIFFE X.509-SVID, so {@link #principal()} is
 * Istio's {@code source.principal} (such as {@code cluster.local/ns/default/sa/sleep}) and {@link
 * #spiffeId()} the full ID; authorization policies read it from here. The access log prints {@link
 * #uriSans()} as {@code %DOWNSTREAM_PEER_URI_SAN%}, and {@code x-forwarded-client-cert} is built
 * from it.
 *
 * <p><b>Threading.</b> Immutable; set once on the connection's event loop before any request is
 * read, then read from any thread.
 *
 * @param uriSans the URI subject alternative names of the peer's certificate, in order
 * @param dnsSans its DNS subject alternative names
 * @param subject its subject distinguished name (RFC 2253)
 * @param certificateSha256 the SHA-256 digest of its DER encoding, lower-case hex (Envoy's {@code
 *     Hash} in {@code x-forwarded-client-cert})
 * @param localUriSans the URI SANs of the certificate this proxy presented on the connection
 *     (Envoy's {@code By})
 */
public record PeerIdentity(
    List<String> uriSans,
    List<String> dnsSans,
    String subject,
    String certificateSha256,
    List<String> localUriSans) {

  /** The channel attribute holding a downstream connection's peer identity. */
  public static final AttributeKey<PeerIdentity> ATTRIBUTE =
      AttributeKey.valueOf("bowline.tls.peer-identity");

  private static final int DNS_NAME = 2;
  private static final int URI = 6;

  public PeerIdentity {
    uriSans = List.copyOf(uriSans);
    dnsSans = List.copyOf(dnsSans);
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(certificateSha256, "certificateSha256");
    localUriSans = List.copyOf(localUriSans);
  }

  /** The peer's SPIFFE ID, when its certificate has exactly one URI SAN that is one. */
  public Optional<SpiffeId> spiffeId() {
    return uriSans.size() == 1 ? X509SvidRules.workloadId(uriSans.get(0)) : Optional.empty();
  }

  /**
   * Istio's {@code source.principal}: the SPIFFE ID without {@code spiffe://}, such as {@code
   * cluster.local/ns/default/sa/sleep}; empty when the peer has no SPIFFE ID.
   */
  public Optional<String> principal() {
    return spiffeId().map(id -> id.trustDomain() + id.path());
  }

  /**
   * The peer identity of the connection a request came on: the channel's, or for an HTTP/2 stream
   * channel its parent connection's. Empty for plaintext and for clients without a certificate.
   */
  public static Optional<PeerIdentity> of(Channel channel) {
    for (Channel c = channel; c != null; c = c.parent()) {
      PeerIdentity identity = c.attr(ATTRIBUTE).get();
      if (identity != null) {
        return Optional.of(identity);
      }
    }
    return Optional.empty();
  }

  /**
   * The identity a TLS session's peer certificate shows, or empty when the peer sent none. The
   * certificate is taken as the handshake verified it.
   */
  public static Optional<PeerIdentity> fromSession(SSLSession session) {
    Certificate[] peer;
    try {
      peer = session.getPeerCertificates();
    } catch (SSLPeerUnverifiedException e) {
      return Optional.empty();
    }
    if (peer.length == 0 || !(peer[0] instanceof X509Certificate leaf)) {
      return Optional.empty();
    }
    Certificate[] local = session.getLocalCertificates();
    List<String> localUris =
        local != null && local.length > 0 && local[0] instanceof X509Certificate own
            ? sans(own, URI)
            : List.of();
    return Optional.of(
        new PeerIdentity(
            sans(leaf, URI),
            sans(leaf, DNS_NAME),
            leaf.getSubjectX500Principal().getName(),
            sha256(leaf),
            localUris));
  }

  private static List<String> sans(X509Certificate certificate, int type) {
    List<String> names = new ArrayList<>(1);
    try {
      var entries = certificate.getSubjectAlternativeNames();
      if (entries != null) {
        for (List<?> entry : entries) {
          if (entry.size() >= 2
              && Integer.valueOf(type).equals(entry.get(0))
              && entry.get(1) instanceof String name) {
            names.add(name);
          }
        }
      }
    } catch (CertificateParsingException e) {
      // A certificate the handshake accepted parses; without SANs there is nothing to add.
    }
    return names;
  }

  private static String sha256(X509Certificate certificate) {
    try {
      return HexFormat.of()
          .formatHex(MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded()));
    } catch (NoSuchAlgorithmException | CertificateEncodingException e) {
      throw new IllegalStateException("cannot digest the peer certificate", e);
    }
  }
}
