package dev.bowline.proxy.http;

import dev.bowline.proxy.config.ConfigException;
import dev.bowline.proxy.route.Action;
import dev.bowline.proxy.route.ClusterTarget;
import dev.bowline.proxy.route.DirectResponseAction;
import dev.bowline.proxy.route.ForwardAction;
import dev.bowline.proxy.route.RedirectAction;
import dev.bowline.proxy.route.RouteEntry;
import dev.bowline.proxy.route.RouteFilterCompiler;
import dev.bowline.proxy.route.RouteTable;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import java.nio.ByteBuffer;

/**
 * The HTTP/1 router over a compiled {@link RouteTable}: matches the request, picks the weighted
 * cluster, computes rewrites, and turns the route's header mutations into edits the exchange
 * applies to the upstream request and the downstream response.
 *
 * <p>Immutable and thread-safe.
 */
final class RouteTableRouter implements HttpRouter {

  private final RouteTable table;

  private RouteTableRouter(RouteTable table) {
    this.table = table;
  }

  /**
   * Compiles {@code config}.
   *
   * @throws ConfigException naming each problem with its path under {@code path}
   */
  static HttpRouter compile(RouteConfiguration config, String path) throws ConfigException {
    return compile(config, path, RouteFilterCompiler.NONE);
  }

  /**
   * Compiles {@code config}, with {@code filters} compiling the routes' settings for the built-in
   * filters.
   *
   * @throws ConfigException naming each problem with its path under {@code path}
   */
  static HttpRouter compile(RouteConfiguration config, String path, RouteFilterCompiler filters)
      throws ConfigException {
    return new RouteTableRouter(RouteTable.compile(config, path, filters));
  }

  @Override
  public RouteDecision decide(HttpRequest request, Channel downstream, String scheme) {
    Http1RequestView view = new Http1RequestView(request, downstream, scheme);
    RouteEntry entry = table.route(view);
    if (entry == null) {
      return new RouteDecision.NoRoute();
    }
    Action action = entry.action();
    RouteDecision.HeaderEdits responseEdits =
        entry.responseHeaders().isEmpty()
            ? RouteDecision.HeaderEdits.NONE
            : headers -> entry.responseHeaders().apply(new NettyHeaders(headers), view);
    if (action instanceof ForwardAction forward) {
      ClusterTarget target = forward.pickCluster();
      String path = forward.rewritesPath() ? forward.rewritePath(request.uri()) : request.uri();
      String authority = target.hostRewrite().orElse(request.headers().get(HttpHeaderNames.HOST));
      RouteDecision.HeaderEdits requestEdits =
          entry.requestHeaders().isEmpty() && target.requestHeaders().isEmpty()
              ? RouteDecision.HeaderEdits.NONE
              : headers -> {
                NettyHeaders h = new NettyHeaders(headers);
                target.requestHeaders().apply(h, view);
                entry.requestHeaders().apply(h, view);
              };
      RouteDecision.HeaderEdits bothResponseEdits =
          target.responseHeaders().isEmpty()
              ? responseEdits
              : headers -> {
                target.responseHeaders().apply(new NettyHeaders(headers), view);
                responseEdits.apply(headers);
              };
      return new RouteDecision.Forward(
          target.name(),
          path,
          authority,
          forward.timeout(),
          requestEdits,
          bothResponseEdits,
          forward.retryPolicy().orElse(null),
          forward.hashPolicy(),
          forward.mirrorPolicies(),
          entry.filters());
    }
    if (action instanceof RedirectAction redirect) {
      return new RouteDecision.Local(
          redirect.responseCode(), new byte[0], redirect.location(view), responseEdits,
          entry.filters());
    }
    DirectResponseAction direct = (DirectResponseAction) action;
    ByteBuffer body = direct.body();
    byte[] bytes = new byte[body.remaining()];
    body.duplicate().get(bytes);
    return new RouteDecision.Local(direct.status(), bytes, null, responseEdits, entry.filters());
  }
}
