package dev.bowline.proxy.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A real HTTP/1.1 server (the JDK's) whose answers follow a script: the n-th request it receives
 * gets the n-th {@link Step} (the last step repeats). A step answers a status, after a delay or
 * once the test opens a gate; a 200 echoes the request body. Every request is recorded.
 */
final class ScriptedUpstream implements AutoCloseable {

  /** One answer: {@code status} after {@code delayMillis}, once {@code gate} (if any) opens. */
  record Step(int status, long delayMillis, CountDownLatch gate) {
    static Step status(int status) {
      return new Step(status, 0, null);
    }

    static Step okWhenOpened(CountDownLatch gate) {
      return new Step(200, 0, gate);
    }
  }

  /** A request as the server received it. */
  record Seen(
      String method,
      String path,
      byte[] body,
      String contentLength,
      String transferEncoding,
      String expectedTimeoutMs) {}

  private final HttpServer server;
  private final List<Step> script;
  final List<Seen> seen = new CopyOnWriteArrayList<>();

  ScriptedUpstream(Step... script) throws IOException {
    this.script = List.of(script);
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
    int index;
    synchronized (seen) {
      index = seen.size();
      seen.add(
          new Seen(
              ex.getRequestMethod(),
              ex.getRequestURI().toString(),
              body,
              ex.getRequestHeaders().getFirst("content-length"),
              ex.getRequestHeaders().getFirst("transfer-encoding"),
              ex.getRequestHeaders().getFirst("x-envoy-expected-rq-timeout-ms")));
    }
    Step step = script.get(Math.min(index, script.size() - 1));
    if (step.delayMillis() > 0 || step.gate() != null) {
      try {
        Thread.sleep(step.delayMillis());
        if (step.gate() != null && !step.gate().await(30, TimeUnit.SECONDS)) {
          ex.close();
          return;
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        ex.close();
        return;
      }
    }
    byte[] out = step.status() == 200 ? body : new byte[0];
    ex.getResponseHeaders().add("x-try", Integer.toString(index + 1));
    ex.sendResponseHeaders(step.status(), out.length == 0 ? -1 : out.length);
    try (OutputStream o = ex.getResponseBody()) {
      o.write(out);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
