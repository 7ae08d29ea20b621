package dev.bowline.proxy.http;

import dev.bowline.spi.filter.HttpHeaders;
import dev.bowline.spi.filter.HttpRequestHead;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;

/** The spi's request head over a Netty request, for filter plugins. Event-loop confined. */
final class FilterRequestHead implements HttpRequestHead {

  private final HttpRequest request;
  private final String scheme;
  private final FilterHeaders headers;

  FilterRequestHead(HttpRequest request, String scheme) {
    this.request = request;
    this.scheme = scheme;
    this.headers = new FilterHeaders(request.headers());
  }

  @Override
  public String method() {
    return request.method().name();
  }

  @Override
  public String scheme() {
    return scheme;
  }

  @Override
  public String authority() {
    return request.headers().get(HttpHeaderNames.HOST);
  }

  @Override
  public String path() {
    return request.uri();
  }

  @Override
  public void setPath(String path) {
    request.setUri(path);
  }

  @Override
  public HttpHeaders headers() {
    return headers;
  }
}
