package dev.bowline.kernel.demo.bookinfo;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The Bookinfo services and relays a test started, called directly over loopback; closes them. */
final class RunningServices implements AutoCloseable {

  private final List<AutoCloseable> running = new ArrayList<>();
  private final HttpClient client =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  BookinfoService start(BookinfoOptions options) throws IOException {
    return keep(BookinfoService.start(options));
  }

  /** Closes {@code service} with the others. */
  BookinfoService keep(BookinfoService service) {
    running.add(service);
    return service;
  }

  /** Starts a service that reaches each service of {@code upstreamPorts} on that loopback port. */
  BookinfoService start(BookinfoKind kind, String version, Map<String, Integer> upstreamPorts,
      BookinfoTimeouts timeouts) throws IOException {
    Map<String, InetSocketAddress> addresses = new HashMap<>();
    upstreamPorts.forEach((name, port) -> addresses.put(name, Ports.local(port)));
    return start(BookinfoOptions.of(kind, version, 0, Upstreams.direct(addresses))
        .withTimeouts(timeouts));
  }

  BookinfoService start(BookinfoKind kind, String version, Map<String, Integer> upstreamPorts)
      throws IOException {
    return start(kind, version, upstreamPorts, BookinfoTimeouts.ORIGINAL);
  }

  RecordingRelay relayTo(int port) throws IOException {
    RecordingRelay r = RecordingRelay.to(port);
    running.add(r);
    return r;
  }

  RecordingRelay relayByHost(Map<String, Integer> ports) throws IOException {
    RecordingRelay r = RecordingRelay.byHost(ports);
    running.add(r);
    return r;
  }

  /** GETs {@code path} on {@code 127.0.0.1:<port>} with the given header name/value pairs. */
  HttpResponse<String> get(int port, String path, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(30));
    if (headers.length > 0) {
      b.headers(headers);
    }
    return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Override
  public void close() {
    for (int i = running.size() - 1; i >= 0; i--) {
      try {
        running.get(i).close();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }
    running.clear();
  }
}
