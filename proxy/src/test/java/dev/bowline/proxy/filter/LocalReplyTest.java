package dev.bowline.proxy.filter;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bowline.proxy.route.FormatContext;
import dev.bowline.proxy.route.MutableHeaders;
import dev.bowline.proxy.route.RequestView;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class LocalReplyTest {

  /** A request with only a content type. */
  private static FilterRequest request(String contentType) {
    return new FilterRequest() {
      @Override
      public RequestView view() {
        throw new UnsupportedOperationException();
      }

      @Override
      public String firstHeader(String name) {
        return name.equals("content-type") ? contentType : null;
      }

      @Override
      public String clientAddress() {
        return "127.0.0.1";
      }

      @Override
      public FormatContext format() {
        throw new UnsupportedOperationException();
      }

      @Override
      public boolean isGrpc() {
        return contentType != null && contentType.startsWith("application/grpc");
      }
    };
  }

  /** The headers a reply sets. */
  static Map<String, String> headers(LocalReply reply) {
    Map<String, String> set = new TreeMap<>();
    reply.headers()
        .accept(
            new MutableHeaders() {
              @Override
              public String get(String name) {
                return set.get(name);
              }

              @Override
              public void set(String name, String value) {
                set.put(name, value);
              }

              @Override
              public void add(String name, String value) {
                set.merge(name, value, (a, b) -> a + "," + b);
              }

              @Override
              public void remove(String name) {
                set.remove(name);
              }
            });
    return set;
  }

  @Test
  void aReplyToAPlainRequestIsItsStatusAndBody() {
    LocalReply reply = LocalReply.of(request(null), 503, -1, "fault filter abort", "FI", null);
    assertThat(reply.status()).isEqualTo(503);
    assertThat(reply.body()).isEqualTo("fault filter abort");
    assertThat(reply.flag()).isEqualTo("FI");
    assertThat(headers(reply)).isEmpty();
  }

  @Test
  void aReplyToAGrpcRequestIsTrailersOnlyWithTheGrpcStatus() {
    LocalReply reply =
        LocalReply.of(request("application/grpc"), 200, 14, "fault filter abort", "FI",
            h -> h.set("x-extra", "1"));
    assertThat(reply.status()).isEqualTo(200);
    assertThat(reply.body()).isEmpty();
    assertThat(headers(reply))
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "content-type", "application/grpc",
                "grpc-status", "14",
                "grpc-message", "fault filter abort",
                "x-extra", "1"));
  }

  @Test
  void anHttpStatusBecomesItsGrpcEquivalentAsInEnvoy() {
    FilterRequest grpc = request("application/grpc+proto");
    assertThat(headers(LocalReply.of(grpc, 503, -1, "m", "FI", null))).containsEntry("grpc-status", "14");
    assertThat(headers(LocalReply.of(grpc, 429, -1, "m", "RL", null))).containsEntry("grpc-status", "14");
    assertThat(headers(LocalReply.of(grpc, 404, -1, "m", "FI", null))).containsEntry("grpc-status", "12");
    assertThat(headers(LocalReply.of(grpc, 403, -1, "m", "FI", null))).containsEntry("grpc-status", "7");
    assertThat(headers(LocalReply.of(grpc, 401, -1, "m", "FI", null))).containsEntry("grpc-status", "16");
    assertThat(headers(LocalReply.of(grpc, 400, -1, "m", "FI", null))).containsEntry("grpc-status", "13");
    assertThat(headers(LocalReply.of(grpc, 500, -1, "m", "FI", null))).containsEntry("grpc-status", "2");
  }
}
