package dev.bowline.proxy.server;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real HTTP/1.1 server (the JDK's) standing in for an application behind the proxy. It answers
 * {@code /echo...} with what it received (method, path, headers as lines, then the body),
 * {@code /delay/MS} after sleeping, {@code /status/CODE} with that status, {@code /bytes/N} with N
 * bytes, and records each request's headers and the client connections it saw.
 */
final class TestUpstream implements AutoCloseable {

  record Seen(String method, String path, Map<String, List<String>> headers, byte[] body, int remotePort) {
    String header(String name) {
      for (Map.Entry<String, List<String>> e : headers.entrySet()) {
        if (e.getKey().equalsIgnoreCase(name)) {
          return e.getValue().get(0);
        }
      }
      return null;
    }
  }

  private final HttpServer server;
  final String name;
  final List<Seen> seen = new CopyOnWriteArrayList<>();
  final Set<Integer> connections = ConcurrentHashMap.newKeySet();
  final AtomicInteger requests = new AtomicInteger();

  TestUpstream(String name) throws IOException {
    this.name = name;
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
    server.setExecutor(Executors.newCachedThreadPool());
    server.createContext("/", this::handle);
    server.start();
  }

  int port() {
    return server.getAddress().getPort();
  }

  private void handle(HttpExchange ex) throws IOException {
    byte[] body;
    try (InputStream in = ex.getRequestBody()) {
      body = in.readAllBytes();
    }
    int remote = ex.getRemoteAddress().getPort();
    connections.add(remote);
    requests.incrementAndGet();
    String path = ex.getRequestURI().toString();
    seen.add(new Seen(ex.getRequestMethod(), path, Map.copyOf(ex.getRequestHeaders()), body, remote));
    String p = ex.getRequestURI().getPath();
    try {
      if (p.startsWith("/delay/")) {
        Thread.sleep(Long.parseLong(p.substring("/delay/".length())));
        send(ex, 200, ("delayed by " + name).getBytes(StandardCharsets.UTF_8));
      } else if (p.startsWith("/status/")) {
        send(ex, Integer.parseInt(p.substring("/status/".length())), new byte[0]);
      } else if (p.startsWith("/bytes/")) {
        int n = Integer.parseInt(p.substring("/bytes/".length()));
        byte[] out = new byte[n];
        for (int i = 0; i < n; i++) {
          out[i] = (byte) ('a' + i % 26);
        }
        send(ex, 200, out);
      } else {
        StringBuilder text = new StringBuilder();
        text.append("server ").append(name).append('\n');
        text.append(ex.getRequestMethod()).append(' ').append(path).append('\n');
        byte[] head = text.toString().getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[head.length + body.length];
        System.arraycopy(head, 0, out, 0, head.length);
        System.arraycopy(body, 0, out, head.length, body.length);
        ex.getResponseHeaders().add("x-upstream", name);
        send(ex, 200, out);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void send(HttpExchange ex, int status, byte[] body) throws IOException {
    ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(body);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
