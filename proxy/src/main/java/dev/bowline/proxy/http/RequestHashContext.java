package dev.bowline.proxy.http;

import dev.bowline.proxy.route.HashPolicy;
import dev.bowline.proxy.route.HashRequest;
import dev.bowline.spi.lb.PickContext;
import dev.bowline.spi.lb.UpstreamHost;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * What the cluster's picker knows about one request whose route has a {@code hash_policy}: the
 * hash key, computed by the route's {@link HashPolicy} from the request as routed (before the
 * route's header changes and rewrites, as Envoy computes it when it chooses the host), and the
 * hosts a retry should avoid.
 *
 * <p>The key is computed the first time a picker asks for it, once per request: a balancer that
 * does not hash (round robin) never asks, so no work is done and no cookie is generated for it,
 * as in Envoy; retries reuse the key, so a generated cookie is set once. A generated cookie is
 * added to the response the proxy forwards ({@link #addSetCookies}).
 *
 * <p><b>Threading.</b> Confined to the request's event loop.
 */
final class RequestHashContext extends HashRequest implements PickContext {

  private final HashPolicy policy;
  private final HttpRequest request;
  private final Channel downstream;
  private final String scheme;
  private PickContext exclusions = PickContext.NONE;
  private boolean computed;
  private List<String> setCookies;

  /**
   * @param downstream the request's channel (an HTTP/2 stream's channel answers its connection's
   *     addresses)
   * @param scheme {@code http} or {@code https}
   */
  RequestHashContext(HashPolicy policy, HttpRequest request, Channel downstream, String scheme) {
    this.policy = policy;
    this.request = request;
    this.downstream = downstream;
    this.scheme = scheme;
  }

  /** This context, now also avoiding the hosts {@code retry} excludes. */
  RequestHashContext excluding(PickContext retry) {
    this.exclusions = retry == null ? PickContext.NONE : retry;
    return this;
  }

  @Override
  public boolean hasHashKey() {
    compute();
    return hasKey();
  }

  @Override
  public long hashKey() {
    compute();
    return key();
  }

  @Override
  public boolean isExcluded(UpstreamHost host) {
    return exclusions.isExcluded(host);
  }

  private void compute() {
    if (!computed) {
      computed = true;
      policy.apply(this);
    }
  }

  /** Adds the cookies a cookie policy generated, if any, to a response head going downstream. */
  void addSetCookies(HttpHeaders response) {
    if (setCookies != null) {
      for (String value : setCookies) {
        response.add(HttpHeaderNames.SET_COOKIE, value);
      }
    }
  }

  @Override
  protected List<String> headerValues(String lowercaseName) {
    switch (lowercaseName) {
      case ":authority":
        return request.headers().getAll(HttpHeaderNames.HOST);
      case ":path":
        return List.of(request.uri());
      case ":method":
        return List.of(request.method().name());
      case ":scheme":
        return List.of(scheme);
      default:
        return request.headers().getAll(lowercaseName);
    }
  }

  @Override
  protected String pathAndQuery() {
    return request.uri();
  }

  @Override
  protected String sourceAddress() {
    SocketAddress peer = downstream.remoteAddress();
    if (peer instanceof InetSocketAddress inet && inet.getAddress() != null) {
      return inet.getAddress().getHostAddress();
    }
    return null;
  }

  @Override
  protected String connectionAddresses() {
    return text(downstream.remoteAddress()) + text(downstream.localAddress());
  }

  private static String text(SocketAddress address) {
    if (address instanceof InetSocketAddress inet && inet.getAddress() != null) {
      return inet.getAddress().getHostAddress() + ":" + inet.getPort();
    }
    return String.valueOf(address);
  }

  @Override
  protected void addSetCookie(String setCookieValue) {
    if (setCookies == null) {
      setCookies = new ArrayList<>(1);
    }
    setCookies.add(setCookieValue);
  }
}
