package dev.bowline.proxy.upstream;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real HTTP/1.1 server (the JDK's) behind the proxy whose answers a test changes while it runs:
 * {@code /healthz} answers {@link #healthStatus}, every other path {@link #status} with the body
 * {@code server NAME}. It counts both kinds of requests and keeps the health checks' headers.
 */
final class ScriptedHttpUpstream implements AutoCloseable {

  /** The headers of one health-check request. */
  record Check(String host, String userAgent, String method) {}

  final String name;
  volatile int status = 200;
  volatile int healthStatus = 200;
  final AtomicInteger traffic = new AtomicInteger();
  final AtomicInteger checks = new AtomicInteger();
  final List<Check> seenChecks = new CopyOnWriteArrayList<>();
  private final HttpServer server;
  private final ExecutorService threads = Executors.newCachedThreadPool();

  ScriptedHttpUpstream(String name) throws IOException {
    this.name = name;
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
    server.setExecutor(threads);
    server.createContext("/", this::handle);
    server.start();
  }

  int port() {
    return server.getAddress().getPort();
  }

  private void handle(HttpExchange ex) throws IOException {
    try (InputStream in = ex.getRequestBody()) {
      in.readAllBytes();
    }
    int code;
    byte[] body;
    if (ex.getRequestURI().getPath().equals("/healthz")) {
      checks.incrementAndGet();
      seenChecks.add(new Check(ex.getRequestHeaders().getFirst("Host"),
          ex.getRequestHeaders().getFirst("User-Agent"), ex.getRequestMethod()));
      code = healthStatus;
      body = new byte[0];
    } else {
      traffic.incrementAndGet();
      code = status;
      body = ("server " + name).getBytes(StandardCharsets.UTF_8);
    }
    ex.sendResponseHeaders(code, body.length == 0 ? -1 : body.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(body);
    }
  }

  /** Stops listening and closes every connection: later connection attempts are refused. */
  @Override
  public void close() {
    server.stop(0);
    threads.shutdownNow();
  }
}
