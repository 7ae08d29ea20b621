package dev.bowline.kernel.demo.bookinfo;

import com.sun.net.httpserver.HttpExchange;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/** Reads what the Bookinfo services need of a request on the JDK HTTP server. Stateless. */
final class Requests {

  /** The largest request body a Bookinfo service reads (a login form, a ratings document). */
  static final int MAX_BODY = 64 * 1024;

  private Requests() {}

  /** Whether the request is a GET or a HEAD. */
  static boolean reads(HttpExchange exchange) {
    String m = exchange.getRequestMethod();
    return m.equals("GET") || m.equals("HEAD");
  }

  /** The request body as UTF-8; empty if it is larger than {@link #MAX_BODY}. */
  static Optional<String> body(HttpExchange exchange) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buf = new byte[8192];
    try (InputStream in = exchange.getRequestBody()) {
      int n;
      while ((n = in.read(buf)) > 0) {
        if (out.size() + n > MAX_BODY) {
          return Optional.empty();
        }
        out.write(buf, 0, n);
      }
    }
    return Optional.of(out.toString(StandardCharsets.UTF_8));
  }
}
