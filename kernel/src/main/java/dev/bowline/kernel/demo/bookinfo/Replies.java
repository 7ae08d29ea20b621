package dev.bowline.kernel.demo.bookinfo;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Writes a Bookinfo service's responses on the JDK HTTP server's exchanges. Stateless; each call
 * on the exchange's handler thread.
 */
final class Replies {

  static final String JSON = "application/json";
  static final String HTML = "text/html; charset=utf-8";
  static final String TEXT = "text/plain; charset=utf-8";

  private Replies() {}

  static void json(HttpExchange exchange, int status, String body) throws IOException {
    send(exchange, status, JSON, body);
  }

  static void html(HttpExchange exchange, String body) throws IOException {
    send(exchange, 200, HTML, body);
  }

  static void text(HttpExchange exchange, int status, String body) throws IOException {
    send(exchange, status, TEXT, body);
  }

  /** A 302 to {@code location}, setting each of {@code cookies} ({@code Set-Cookie} values). */
  static void redirect(HttpExchange exchange, String location, List<String> cookies)
      throws IOException {
    exchange.getResponseHeaders().set("Location", location);
    for (String c : cookies) {
      exchange.getResponseHeaders().add("Set-Cookie", c);
    }
    send(exchange, 302, HTML, "<a href=\"" + location + "\">" + location + "</a>\n");
  }

  static void send(HttpExchange exchange, int status, String contentType, String body)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", contentType);
    if (exchange.getRequestMethod().equals("HEAD")) {
      exchange.sendResponseHeaders(status, -1);
      return;
    }
    exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
    if (bytes.length > 0) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    }
  }
}
