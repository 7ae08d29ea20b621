package dev.bowline.kernel.demo.bookinfo;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes a Bookinfo service's calls to the services it depends on: a GET of one path with the
 * forwarded headers and a timeout, answered by a {@link Reply} whatever happens (a failure to
 * connect, a timeout or a bad response are replies without status).
 *
 * <p>Threading: thread-safe; {@link #get} blocks the calling thread (an application thread of the
 * JDK HTTP server, as in the original's synchronous services) until the reply or the timeout.
 */
final class UpstreamClient {

  private static final Logger log = LoggerFactory.getLogger(UpstreamClient.class);

  private final Upstreams upstreams;
  private final HttpClient client;

  UpstreamClient(Upstreams upstreams) {
    this.upstreams = upstreams;
    HttpClient.Builder builder = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .followRedirects(HttpClient.Redirect.NEVER);
    upstreams.proxy().ifPresent(builder::proxy);
    this.client = builder.build();
  }

  /**
   * A service's answer.
   *
   * @param status the HTTP status; 0 when there was no response
   * @param body the response body; empty when there was no response
   * @param failure why there was no response; empty when there was one
   */
  record Reply(int status, String body, String failure) {

    /** Whether the service answered 200, the only answer the Bookinfo services use. */
    boolean ok() {
      return status == 200;
    }
  }

  /** GETs {@code path} on {@code service}, waiting at most {@code timeout} for the response. */
  Reply get(String service, String path, Map<String, String> headers, Duration timeout) {
    URI uri = upstreams.uri(service, path);
    HttpRequest.Builder request = HttpRequest.newBuilder(uri).GET().timeout(timeout);
    headers.forEach((name, value) -> {
      try {
        request.header(name, value);
      } catch (IllegalArgumentException e) {
        log.debug("not forwarding header {} to {}: {}", name, uri, e.getMessage());
      }
    });
    try {
      HttpResponse<String> r = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
      return new Reply(r.statusCode(), r.body(), "");
    } catch (IOException e) {
      log.debug("GET {} failed: {}", uri, e.toString());
      return new Reply(0, "", e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Reply(0, "", "interrupted");
    }
  }
}
