package dev.bowline.proxy.upstream.health;

import dev.bowline.proxy.config.HealthCheckConfig.HttpProbe;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;

/**
 * Envoy's HTTP health check: {@code METHOD path} with the configured {@code Host} (the cluster's
 * name when none is set) and {@code User-Agent: Envoy/HC}, as Envoy sends it; the body of the
 * answer is read and dropped, and its status decides: expected passes, retriable counts toward the
 * unhealthy threshold, anything else fails at once.
 *
 * <p>Immutable.
 */
final class HttpCheckExchange implements CheckExchange {

  /** The {@code User-Agent} Envoy's HTTP health checks send (applications filter on it). */
  static final String USER_AGENT = "Envoy/HC";

  private final HttpProbe probe;
  private final HttpMethod method;
  private final String authority;

  HttpCheckExchange(HttpProbe probe, String clusterName) {
    this.probe = probe;
    this.method = HttpMethod.valueOf(probe.method());
    this.authority = probe.host().isEmpty() ? clusterName : probe.host();
  }

  @Override
  public FullHttpRequest newRequest(ByteBufAllocator alloc) {
    FullHttpRequest request =
        new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, method, probe.path(), alloc.buffer(0));
    HttpHeaders h = request.headers();
    h.set(HttpHeaderNames.HOST, authority);
    h.set(HttpHeaderNames.USER_AGENT, USER_AGENT);
    if (method.equals(HttpMethod.POST) || method.equals(HttpMethod.PUT)
        || method.equals(HttpMethod.PATCH)) {
      h.setInt(HttpHeaderNames.CONTENT_LENGTH, 0);
    }
    return request;
  }

  @Override
  public ResponseJudge newJudge() {
    return new ResponseJudge() {
      private int status;

      @Override
      public void head(HttpResponse response) {
        status = response.status().code();
      }

      @Override
      public void content(ByteBuf piece) {}

      @Override
      public Verdict end(HttpHeaders trailers) {
        if (probe.expects(status)) {
          return Verdict.PASS;
        }
        return probe.retriable(status) ? Verdict.FAIL_RETRIABLE : Verdict.FAIL;
      }
    };
  }
}
