package dev.bowline.kernel.pilot.translate;

import dev.bowline.proxy.route.RequestView;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/** A request to route in tests: authority, path, method, scheme and headers. */
final class TestRequest implements RequestView {

  private final String authority;
  private final String path;
  private String method = "GET";
  private String scheme = "http";
  private final Map<String, String> headers = new HashMap<>();

  private TestRequest(String authority, String path) {
    this.authority = authority;
    this.path = path;
  }

  static TestRequest get(String authority, String path) {
    return new TestRequest(authority, path);
  }

  TestRequest method(String m) {
    method = m;
    return this;
  }

  TestRequest scheme(String s) {
    scheme = s;
    return this;
  }

  TestRequest header(String name, String value) {
    headers.put(name.toLowerCase(Locale.ROOT), value);
    return this;
  }

  @Override
  public String method() {
    return method;
  }

  @Override
  public String authority() {
    return authority;
  }

  @Override
  public String scheme() {
    return scheme;
  }

  @Override
  public String path() {
    return path;
  }

  @Override
  public String header(String lowercaseName) {
    return headers.get(lowercaseName);
  }

  @Override
  public String toString() {
    return method + " " + scheme + "://" + authority + path + " " + headers;
  }
}
