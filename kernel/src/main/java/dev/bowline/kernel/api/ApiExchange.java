package dev.bowline.kernel.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One API request and its answer: query parameters, a bounded body read, and JSON or text
 * responses. Not thread-safe; one per exchange.
 */
final class ApiExchange {

  /** The largest request body accepted (config documents): 4 MiB. */
  static final int MAX_BODY_BYTES = 4 << 20;

  static final ObjectMapper JSON = new ObjectMapper();

  private final HttpExchange exchange;
  private final Map<String, String> query;

  ApiExchange(HttpExchange exchange) {
    this.exchange = exchange;
    this.query = parseQuery(exchange.getRequestURI().getRawQuery());
  }

  String method() {
    return exchange.getRequestMethod();
  }

  String path() {
    return exchange.getRequestURI().getPath();
  }

  String query(String name, String fallback) {
    return query.getOrDefault(name, fallback);
  }

  String header(String name, String fallback) {
    String v = exchange.getRequestHeaders().getFirst(name);
    return v == null ? fallback : v;
  }

  /** The body as UTF-8; null when it is larger than {@link #MAX_BODY_BYTES}. */
  String body() throws IOException {
    try (InputStream in = exchange.getRequestBody()) {
      byte[] bytes = in.readNBytes(MAX_BODY_BYTES + 1);
      return bytes.length > MAX_BODY_BYTES ? null : new String(bytes, StandardCharsets.UTF_8);
    }
  }

  void json(int status, Object value) throws IOException {
    send(status, "application/json", JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(value));
  }

  void text(int status, String contentType, String text) throws IOException {
    send(status, contentType, text.getBytes(StandardCharsets.UTF_8));
  }

  /** An error answer: {@code {"error": message}}. */
  void error(int status, String message) throws IOException {
    json(status, Map.of("error", message));
  }

  private void send(int status, String contentType, byte[] body) throws IOException {
    exchange.getResponseHeaders().set("Content-Type", contentType);
    exchange.getResponseHeaders().set("Cache-Control", "no-store");
    exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  private static Map<String, String> parseQuery(String raw) {
    Map<String, String> out = new LinkedHashMap<>();
    if (raw == null || raw.isEmpty()) {
      return out;
    }
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      out.putIfAbsent(k, v);
    }
    return out;
  }
}
