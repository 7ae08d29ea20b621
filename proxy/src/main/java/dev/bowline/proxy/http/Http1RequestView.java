package dev.bowline.proxy.http;

import dev.bowline.proxy.route.FormatContext;
import dev.bowline.proxy.route.RequestView;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * An HTTP/1.1 request as routing sees it, and the values header formats may use. Reads the
 * request's live headers, so header edits made earlier are visible to later ones.
 *
 * <p>Event-loop confined; lives for one routing decision.
 */
final class Http1RequestView implements RequestView, FormatContext {

  private final HttpRequest request;
  private final Channel downstream;
  private final String scheme;

  Http1RequestView(HttpRequest request, Channel downstream, String scheme) {
    this.request = request;
    this.downstream = downstream;
    this.scheme = scheme;
  }

  @Override
  public String method() {
    return request.method().name();
  }

  @Override
  public String authority() {
    return request.headers().get(HttpHeaderNames.HOST);
  }

  @Override
  public String scheme() {
    return scheme;
  }

  @Override
  public String path() {
    return request.uri();
  }

  @Override
  public String header(String lowercaseName) {
    List<String> all = request.headers().getAll(lowercaseName);
    if (all.isEmpty()) {
      return null;
    }
    return all.size() == 1 ? all.get(0) : String.join(",", all);
  }

  @Override
  public RequestView request() {
    return this;
  }

  @Override
  public String downstreamRemoteAddress() {
    InetSocketAddress peer = (InetSocketAddress) downstream.remoteAddress();
    return peer.getAddress().getHostAddress() + ":" + peer.getPort();
  }

  @Override
  public String downstreamRemoteAddressWithoutPort() {
    return ((InetSocketAddress) downstream.remoteAddress()).getAddress().getHostAddress();
  }
}
