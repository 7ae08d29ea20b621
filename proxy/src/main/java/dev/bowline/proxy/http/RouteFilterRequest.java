package dev.bowline.proxy.http;

import dev.bowline.proxy.filter.ClientAddress;
import dev.bowline.proxy.filter.FilterRequest;
import dev.bowline.proxy.route.FormatContext;
import dev.bowline.proxy.route.RequestView;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import java.net.InetSocketAddress;

/**
 * A request as the built-in filters read it ({@link FilterRequest}), over the Netty request the
 * exchange routes. Event-loop confined; lives for one request.
 */
final class RouteFilterRequest implements FilterRequest {

  private final HttpRequest request;
  private final Channel downstream;
  private final Http1RequestView view;
  private final boolean useRemoteAddress;
  private final int trustedHops;

  RouteFilterRequest(
      HttpRequest request, Channel downstream, String scheme, boolean useRemoteAddress,
      int trustedHops) {
    this.request = request;
    this.downstream = downstream;
    this.view = new Http1RequestView(request, downstream, scheme);
    this.useRemoteAddress = useRemoteAddress;
    this.trustedHops = trustedHops;
  }

  @Override
  public RequestView view() {
    return view;
  }

  @Override
  public String firstHeader(String lowercaseName) {
    return request.headers().get(lowercaseName);
  }

  @Override
  public String clientAddress() {
    if (!(downstream.remoteAddress() instanceof InetSocketAddress peer)) {
      return null;
    }
    return ClientAddress.of(
        peer.getAddress().getHostAddress(), request.headers().get("x-forwarded-for"),
        useRemoteAddress, trustedHops);
  }

  @Override
  public FormatContext format() {
    return view;
  }

  @Override
  public boolean isGrpc() {
    String type = request.headers().get(HttpHeaderNames.CONTENT_TYPE);
    if (type == null || !type.regionMatches(true, 0, "application/grpc", 0, 16)) {
      return false;
    }
    return type.length() == 16 || type.charAt(16) == '+' || type.charAt(16) == ';';
  }
}
