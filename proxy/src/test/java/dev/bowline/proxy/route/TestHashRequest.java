package dev.bowline.proxy.route;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A {@link HashRequest} for tests: headers by name, a path, addresses, and the cookies set. */
final class TestHashRequest extends HashRequest {

  private final Map<String, List<String>> headers = new LinkedHashMap<>();
  private String path = "/";
  private String sourceAddress = "10.0.0.7";
  private String connectionAddresses = "10.0.0.7:40000127.0.0.1:8080";
  final List<String> setCookies = new ArrayList<>();

  TestHashRequest header(String lowercaseName, String value) {
    headers.computeIfAbsent(lowercaseName, k -> new ArrayList<>()).add(value);
    return this;
  }

  TestHashRequest path(String value) {
    this.path = value;
    return this;
  }

  TestHashRequest source(String address) {
    this.sourceAddress = address;
    return this;
  }

  TestHashRequest connection(String addresses) {
    this.connectionAddresses = addresses;
    return this;
  }

  @Override
  protected List<String> headerValues(String lowercaseName) {
    return headers.getOrDefault(lowercaseName, List.of());
  }

  @Override
  protected String pathAndQuery() {
    return path;
  }

  @Override
  protected String sourceAddress() {
    return sourceAddress;
  }

  @Override
  protected String connectionAddresses() {
    return connectionAddresses;
  }

  @Override
  protected void addSetCookie(String setCookieValue) {
    setCookies.add(setCookieValue);
  }
}
