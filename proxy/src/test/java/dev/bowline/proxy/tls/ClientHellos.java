package dev.bowline.proxy.tls;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;

/** Real ClientHello records, written by the JDK's own TLS client. */
final class ClientHellos {

  private ClientHellos() {}

  /** The first flight (TLS records) of a JDK client with this SNI (or none) and ALPN offer. */
  static byte[] record(String sni, List<String> alpn) throws Exception {
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, null, null);
    SSLEngine engine = context.createSSLEngine();
    engine.setUseClientMode(true);
    SSLParameters parameters = engine.getSSLParameters();
    parameters.setServerNames(sni == null ? List.of() : List.of(new SNIHostName(sni)));
    parameters.setApplicationProtocols(alpn.toArray(new String[0]));
    engine.setSSLParameters(parameters);
    ByteBuffer out = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
    engine.wrap(ByteBuffer.allocate(0), out);
    out.flip();
    return Arrays.copyOf(out.array(), out.limit());
  }

  /** The ClientHello handshake body (after the 5-byte record and 4-byte handshake headers). */
  static byte[] body(String sni, List<String> alpn) throws Exception {
    byte[] record = record(sni, alpn);
    return Arrays.copyOfRange(record, 9, record.length);
  }
}
