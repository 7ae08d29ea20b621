package dev.bowline.proxy.route;

/**
 * A request for tests: pseudo-headers as fields, other headers in {@link TestHeaders}, which it
 * also exposes as {@link MutableHeaders} so that request header mutations can be checked and
 * {@code %REQ(...)%} sees earlier levels' changes.
 */
final class TestRequest implements RequestView, MutableHeaders {

  private String method = "GET";
  private String authority;
  private String scheme = "http";
  private String path;
  private final TestHeaders headers = new TestHeaders();

  private TestRequest(String authority, String path) {
    this.authority = authority;
    this.path = path;
  }

  static TestRequest of(String authority, String path) {
    return new TestRequest(authority, path);
  }

  /** A request to {@code example.com}. */
  static TestRequest of(String path) {
    return new TestRequest("example.com", path);
  }

  TestRequest method(String value) {
    this.method = value;
    return this;
  }

  TestRequest scheme(String value) {
    this.scheme = value;
    return this;
  }

  TestRequest header(String name, String value) {
    headers.add(name, value);
    return this;
  }

  TestHeaders headers() {
    return headers;
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
    return headers.joined(lowercaseName);
  }

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

  @Override
  public String toString() {
    return method + " " + scheme + "://" + authority + path + " " + headers;
  }
}
