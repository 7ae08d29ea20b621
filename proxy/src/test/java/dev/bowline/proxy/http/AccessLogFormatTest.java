package dev.bowline.proxy.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The TLS peer operators of the access log format. */
class AccessLogFormatTest {

  /** A finished request whose values are fixed. */
  private record Entry(String peer, String local, String upstream) implements AccessLogFormat.Entry {
    @Override public long startEpochMillis() {
      return 0;
    }

    @Override public long durationNanos() {
      return 0;
    }

    @Override public String requestHeader(String lowercaseName) {
      return ":path".equals(lowercaseName) ? "/p" : null;
    }

    @Override public String responseHeader(String lowercaseName) {
      return null;
    }

    @Override public String protocol() {
      return "HTTP/1.1";
    }

    @Override public int responseCode() {
      return 200;
    }

    @Override public String responseFlags() {
      return "-";
    }

    @Override public long bytesReceived() {
      return 0;
    }

    @Override public long bytesSent() {
      return 0;
    }

    @Override public String upstreamHost() {
      return "-";
    }

    @Override public String upstreamCluster() {
      return "-";
    }

    @Override public String downstreamRemoteAddress() {
      return "/127.0.0.1:1";
    }

    @Override public String downstreamPeerUriSan() {
      return peer;
    }

    @Override public String downstreamLocalUriSan() {
      return local;
    }

    @Override public String upstreamPeerUriSan() {
      return upstream;
    }
  }

  private static final AccessLogFormat FORMAT =
      AccessLogFormat.compile(
          "%REQ(:PATH)% %DOWNSTREAM_PEER_URI_SAN% %DOWNSTREAM_LOCAL_URI_SAN%"
              + " %UPSTREAM_PEER_URI_SAN%");

  @Test
  void printsThePeersUriSans() {
    assertThat(
            FORMAT.format(
                new Entry(
                    "spiffe://cluster.local/ns/default/sa/sleep",
                    "spiffe://cluster.local/ns/default/sa/httpbin",
                    "spiffe://cluster.local/ns/default/sa/reviews")))
        .isEqualTo(
            "/p spiffe://cluster.local/ns/default/sa/sleep"
                + " spiffe://cluster.local/ns/default/sa/httpbin"
                + " spiffe://cluster.local/ns/default/sa/reviews");
  }

  @Test
  void printsADashWithoutTlsOrACertificate() {
    assertThat(FORMAT.format(new Entry(null, "", null))).isEqualTo("/p - - -");
  }
}
