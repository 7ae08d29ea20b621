package dev.bowline.proxy.http2;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * An HTTP/1.1 application behind the proxy (the JDK's server): {@code /bytes/N} answers N bytes of
 * a known pattern, {@code /chunked/N} the same without a length (chunked); anything else echoes
 * {@code METHOD PATH} and the request body. Records what it received.
 */
final class Http1Backend implements AutoCloseable {

  record Seen(String method, String path, Map<String, List<String>> headers, byte[] body) {
    String header(String name) {
      for (Map.Entry<String, List<String>> e : headers.entrySet()) {
        if (e.getKey().equalsIgnoreCase(name)) {
          return e.getValue().get(0);
        }
      }
      return null;
    }

    boolean hasHeaderStartingWith(String prefix) {
      return headers.keySet().stream().anyMatch(k -> k.toLowerCase().startsWith(prefix));
    }
  }

  private final HttpServer server;
  private final ExecutorService executor = Executors.newCachedThreadPool();
  final List<Seen> seen = new CopyOnWriteArrayList<>();

  Http1Backend() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    server.start();
  }

  int port() {
    return server.getAddress().getPort();
  }

  static byte[] pattern(int n) {
    byte[] out = new byte[n];
    for (int i = 0; i < n; i++) {
      out[i] = (byte) ('a' + i % 26);
    }
    return out;
  }

  private void handle(HttpExchange ex) throws IOException {
    byte[] body;
    try (InputStream in = ex.getRequestBody()) {
      body = in.readAllBytes();
    }
    String path = ex.getRequestURI().getRawPath()
        + (ex.getRequestURI().getRawQuery() == null ? "" : "?" + ex.getRequestURI().getRawQuery());
    seen.add(new Seen(ex.getRequestMethod(), path, Map.copyOf(ex.getRequestHeaders()), body));
    ex.getResponseHeaders().add("x-upstream", "http1");
    String p = ex.getRequestURI().getPath();
    if (p.startsWith("/bytes/")) {
      byte[] out = pattern(Integer.parseInt(p.substring("/bytes/".length())));
      ex.sendResponseHeaders(200, out.length);
      try (OutputStream o = ex.getResponseBody()) {
        o.write(out);
      }
      return;
    }
    if (p.startsWith("/chunked/")) {
      byte[] out = pattern(Integer.parseInt(p.substring("/chunked/".length())));
      ex.sendResponseHeaders(200, 0);
      try (OutputStream o = ex.getResponseBody()) {
        o.write(out);
      }
      return;
    }
    byte[] head = (ex.getRequestMethod() + " " + path + "\n").getBytes(StandardCharsets.UTF_8);
    byte[] out = new byte[head.length + body.length];
    System.arraycopy(head, 0, out, 0, head.length);
    System.arraycopy(body, 0, out, head.length, body.length);
    ex.sendResponseHeaders(200, out.length);
    try (OutputStream o = ex.getResponseBody()) {
      o.write(out);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
