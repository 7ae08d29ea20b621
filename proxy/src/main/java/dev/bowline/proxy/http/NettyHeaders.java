package dev.bowline.proxy.http;

import dev.bowline.proxy.route.MutableHeaders;
import io.netty.handler.codec.http.HttpHeaders;

/** The route package's {@link MutableHeaders} over Netty's HTTP/1 headers. Event-loop confined. */
record NettyHeaders(HttpHeaders headers) implements MutableHeaders {

  @Override
  public String get(String lowercaseName) {
    return headers.get(lowercaseName);
  }

  @Override
  public void set(String lowercaseName, String value) {
    headers.set(lowercaseName, value);
  }

  @Override
  public void add(String lowercaseName, String value) {
    headers.add(lowercaseName, value);
  }

  @Override
  public void remove(String lowercaseName) {
    headers.remove(lowercaseName);
  }
}
