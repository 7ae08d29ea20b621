package dev.bowline.proxy.tls;

import io.netty.channel.Channel;
import io.netty.handler.ssl.SslHandler;
import java.security.cert.Certificate;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * The URI SANs of the certificates a TLS connection's handshake exchanged, read from the {@link
 * SslHandler} of a channel (or of its parent, for an HTTP/2 stream channel), for the access log's
 * {@code %UPSTREAM_PEER_URI_SAN%} and {@code %DOWNSTREAM_LOCAL_URI_SAN%}. Computed when asked, so
 * a log format that does not print them costs nothing.
 *
 * <p><b>Threading.</b> Stateless; call on the channel's event loop.
 */
public final class SessionUriSans {

  private SessionUriSans() {}

  /** The peer certificate's URI SANs, comma-separated; null without TLS or a peer certificate. */
  public static String peer(Channel channel) {
    SSLSession session = session(channel);
    if (session == null) {
      return null;
    }
    try {
      return join(session.getPeerCertificates());
    } catch (SSLPeerUnverifiedException e) {
      return null;
    }
  }

  /** The URI SANs of the certificate this side presented; null without one. */
  public static String local(Channel channel) {
    SSLSession session = session(channel);
    return session == null ? null : join(session.getLocalCertificates());
  }

  private static SSLSession session(Channel channel) {
    for (Channel c = channel; c != null; c = c.parent()) {
      SslHandler ssl = c.pipeline().get(SslHandler.class);
      if (ssl != null) {
        return ssl.engine().getSession();
      }
    }
    return null;
  }

  private static String join(Certificate[] chain) {
    if (chain == null || chain.length == 0 || !(chain[0] instanceof X509Certificate leaf)) {
      return null;
    }
    try {
      return String.join(",", X509SvidRules.uriSans(leaf));
    } catch (CertificateParsingException e) {
      return null;
    }
  }
}
