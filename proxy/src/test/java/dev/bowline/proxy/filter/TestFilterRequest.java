package dev.bowline.proxy.filter;

import dev.bowline.proxy.route.FormatContext;
import dev.bowline.proxy.route.RequestView;
import java.util.HashMap;
import java.util.Map;

/** A request for the built-in filters' unit tests: a method, a path, headers and a client. */
public final class TestFilterRequest implements FilterRequest, RequestView, FormatContext {

  private final String method;
  private final String path;
  private final Map<String, String> headers = new HashMap<>();
  private String client = "10.0.0.1";

  public TestFilterRequest(String method, String path) {
    this.method = method;
    this.path = path;
  }

  /** A GET of {@code /}. */
  public static TestFilterRequest get() {
    return new TestFilterRequest("GET", "/");
  }

  /** Adds a header (lower-case name). */
  public TestFilterRequest header(String name, String value) {
    headers.put(name, value);
    return this;
  }

  /** Sets the client address. */
  public TestFilterRequest from(String address) {
    client = address;
    return this;
  }

  @Override
  public RequestView view() {
    return this;
  }

  @Override
  public String firstHeader(String lowercaseName) {
    return headers.get(lowercaseName);
  }

  @Override
  public String clientAddress() {
    return client;
  }

  @Override
  public FormatContext format() {
    return this;
  }

  @Override
  public boolean isGrpc() {
    String type = headers.get("content-type");
    return type != null && type.startsWith("application/grpc");
  }

  @Override
  public String method() {
    return method;
  }

  @Override
  public String authority() {
    return headers.getOrDefault("host", "example.com");
  }

  @Override
  public String scheme() {
    return "http";
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
  public RequestView request() {
    return this;
  }

  @Override
  public String downstreamRemoteAddress() {
    return client + ":40000";
  }

  @Override
  public String downstreamRemoteAddressWithoutPort() {
    return client;
  }
}
