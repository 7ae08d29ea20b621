package dev.bowline.proxy.http;

import dev.bowline.spi.filter.HttpHeaders;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * The spi's mutable header view over Netty's HTTP/1 headers, for filter plugins. Event-loop
 * confined.
 */
record FilterHeaders(io.netty.handler.codec.http.HttpHeaders headers) implements HttpHeaders {

  @Override
  public String get(String name) {
    return headers.get(name);
  }

  @Override
  public List<String> getAll(String name) {
    return headers.getAll(name);
  }

  @Override
  public void set(String name, String value) {
    headers.set(name, value);
  }

  @Override
  public void add(String name, String value) {
    headers.add(name, value);
  }

  @Override
  public void remove(String name) {
    headers.remove(name);
  }

  @Override
  public Set<String> names() {
    Set<String> out = new TreeSet<>();
    for (String n : headers.names()) {
      out.add(n.toLowerCase(Locale.ROOT));
    }
    return out;
  }
}
