package dev.bowline.proxy.admin;

import dev.bowline.proxy.server.ProxyServer;
import dev.bowline.proxy.upstream.Cluster;
import dev.bowline.proxy.upstream.ClusterHost;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * Answers the admin endpoints. Mutating endpoints ({@code /quitquitquit},
 * {@code /drain_listeners}) require POST, as Envoy's do.
 *
 * <p>Shared by every admin connection; runs on the admin event loop. Slow work (draining) runs on
 * its own thread.
 */
@Sharable
final class AdminHandler extends SimpleChannelInboundHandler<FullHttpRequest> {

  private final ProxyServer proxy;
  private final Supplier<String> configDump;
  private final Supplier<String> certs;
  private final Runnable quit;

  AdminHandler(ProxyServer proxy, Supplier<String> configDump, Supplier<String> certs, Runnable quit) {
    this.proxy = proxy;
    this.configDump = configDump;
    this.certs = certs;
    this.quit = quit;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
    QueryStringDecoder uri = new QueryStringDecoder(request.uri());
    boolean post = HttpMethod.POST.equals(request.method());
    switch (uri.path()) {
      case "/ready" -> {
        boolean ready = !proxy.isDraining();
        reply(ctx, request, ready ? HttpResponseStatus.OK : HttpResponseStatus.SERVICE_UNAVAILABLE, "text/plain", ready ? "LIVE\n" : "DRAINING\n");
      }
      case "/healthz", "/healthz/ready" -> reply(ctx, request, proxy.isDraining() ? HttpResponseStatus.SERVICE_UNAVAILABLE : HttpResponseStatus.OK, "text/plain", proxy.isDraining() ? "draining\n" : "ok\n");
      case "/stats/prometheus" -> reply(ctx, request, HttpResponseStatus.OK, "text/plain; version=0.0.4; charset=utf-8", proxy.metrics().renderPrometheus());
      case "/stats" -> reply(ctx, request, HttpResponseStatus.OK, "text/plain", envoyStats());
      case "/clusters" -> reply(ctx, request, HttpResponseStatus.OK, "text/plain", clusters());
      case "/config_dump" -> reply(ctx, request, HttpResponseStatus.OK, "application/json", configDump.get());
      case "/certs" -> reply(ctx, request, HttpResponseStatus.OK, "application/json", certs.get());
      case "/drain_listeners" -> {
        if (!post) {
          reply(ctx, request, HttpResponseStatus.METHOD_NOT_ALLOWED, "text/plain", "use POST\n");
          return;
        }
        Thread t = new Thread(() -> proxy.drain(Duration.ofSeconds(5)), "bowline-drain");
        t.setDaemon(true);
        t.start();
        reply(ctx, request, HttpResponseStatus.OK, "text/plain", "OK\n");
      }
      case "/quitquitquit" -> {
        if (!post) {
          reply(ctx, request, HttpResponseStatus.METHOD_NOT_ALLOWED, "text/plain", "use POST\n");
          return;
        }
        reply(ctx, request, HttpResponseStatus.OK, "text/plain", "OK\n");
        Thread t = new Thread(quit, "bowline-quit");
        t.start();
      }
      case "/" -> reply(ctx, request, HttpResponseStatus.OK, "text/plain",
          "/ready /healthz /stats /stats/prometheus /clusters /config_dump /certs POST:/drain_listeners POST:/quitquitquit\n");
      default -> reply(ctx, request, HttpResponseStatus.NOT_FOUND, "text/plain", "unknown admin endpoint\n");
    }
  }

  /** Every counter as {@code name{labels}: value}, the Prometheus series in Envoy's line shape. */
  private String envoyStats() {
    StringBuilder out = new StringBuilder();
    for (String line : proxy.metrics().renderPrometheus().split("\n")) {
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      int space = line.lastIndexOf(' ');
      out.append(line, 0, space).append(": ").append(line.substring(space + 1)).append('\n');
    }
    return out.toString();
  }

  /**
   * Envoy's {@code /clusters} text format: one line per host and figure, after the cluster's
   * outlier-detection figures (when it has outlier detection) and circuit breakers.
   */
  private String clusters() {
    StringBuilder out = new StringBuilder();
    for (Cluster c : proxy.clusters().all().values()) {
      String name = c.name();
      c.outlierDetector().ifPresent(od -> {
        String prefix = name + "::outlier::";
        out.append(prefix).append("success_rate_average::")
            .append(rate(od.successRateAverage())).append('\n');
        out.append(prefix).append("success_rate_ejection_threshold::")
            .append(rate(od.successRateEjectionThreshold())).append('\n');
        out.append(prefix).append("local_origin_success_rate_average::")
            .append(rate(od.localOriginSuccessRateAverage())).append('\n');
        out.append(prefix).append("local_origin_success_rate_ejection_threshold::")
            .append(rate(od.localOriginSuccessRateEjectionThreshold())).append('\n');
      });
      out.append(name).append("::default_priority::max_connections::").append(c.config().limits().maxConnections()).append('\n');
      out.append(name).append("::default_priority::max_requests::").append(c.config().limits().maxRequests()).append('\n');
      for (ClusterHost h : c.hosts()) {
        String prefix = name + "::" + h.endpoint().authority() + "::";
        out.append(prefix).append("cx_active::").append(h.activeConnections()).append('\n');
        out.append(prefix).append("cx_connect_fail::").append(h.connectFailures()).append('\n');
        out.append(prefix).append("rq_active::").append(h.activeRequests()).append('\n');
        out.append(prefix).append("rq_error::").append(h.errors()).append('\n');
        out.append(prefix).append("rq_success::").append(h.successes()).append('\n');
        out.append(prefix).append("rq_total::").append(h.totalRequests()).append('\n');
        out.append(prefix).append("weight::").append(h.weight()).append('\n');
        out.append(prefix).append("health_flags::").append(h.healthFlags()).append('\n');
        out.append(prefix).append("region::").append(h.endpoint().locality().region()).append('\n');
        out.append(prefix).append("zone::").append(h.endpoint().locality().zone()).append('\n');
        out.append(prefix).append("sub_zone::").append(h.endpoint().locality().subzone()).append('\n');
        out.append(prefix).append("priority::").append(h.priority()).append('\n');
        if (h.outlierMonitor() != null) {
          out.append(prefix).append("success_rate::")
              .append(rate(h.outlierMonitor().successRate())).append('\n');
          out.append(prefix).append("local_origin_success_rate::")
              .append(rate(h.outlierMonitor().localOriginSuccessRate())).append('\n');
        }
      }
    }
    return out.toString();
  }

  /** A success rate as Envoy prints it: -1 when unknown, else the percentage. */
  private static String rate(double value) {
    return value < 0 ? "-1" : String.valueOf(value);
  }

  private static void reply(
      ChannelHandlerContext ctx, FullHttpRequest request, HttpResponseStatus status, String type, String body) {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    FullHttpResponse response =
        new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(bytes));
    response.headers().set(HttpHeaderNames.CONTENT_TYPE, type);
    response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, bytes.length);
    boolean keepAlive = HttpUtil.isKeepAlive(request);
    HttpUtil.setKeepAlive(response, keepAlive);
    var f = ctx.writeAndFlush(response);
    if (!keepAlive) {
      f.addListener(ChannelFutureListener.CLOSE);
    }
  }
}
