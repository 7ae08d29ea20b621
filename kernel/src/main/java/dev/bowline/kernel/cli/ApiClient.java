package dev.bowline.kernel.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * bowlinectl's client of the control plane API: JSON over HTTP/1.1. A failure to reach the server
 * or an error answer becomes an {@link ApiException} whose message an operator can act on.
 */
final class ApiClient {

  static final ObjectMapper JSON = new ObjectMapper();

  private final URI base;
  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  ApiClient(URI base) {
    this.base = base;
  }

  /** An API call that failed; the message says why in the operator's terms. */
  static final class ApiException extends Exception {
    private final int status;

    ApiException(int status, String message) {
      super(message);
      this.status = status;
    }

    /** The HTTP status, 0 when the server could not be reached. */
    int status() {
      return status;
    }
  }

  JsonNode get(String path) throws ApiException {
    return send(HttpRequest.newBuilder(uri(path)).GET());
  }

  JsonNode delete(String path) throws ApiException {
    return send(HttpRequest.newBuilder(uri(path)).DELETE());
  }

  JsonNode post(String path, String sourceName, String body) throws ApiException {
    return send(
        HttpRequest.newBuilder(uri(path))
            .header("Content-Type", "application/yaml")
            .header("X-Bowline-Source-Name", sourceName)
            .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)));
  }

  static String encode(String segment) {
    return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private URI uri(String path) {
    return URI.create(base + path);
  }

  private JsonNode send(HttpRequest.Builder request) throws ApiException {
    HttpResponse<String> response;
    try {
      response =
          http.send(request.timeout(Duration.ofSeconds(30)).build(),
              HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (ConnectException e) {
      throw new ApiException(0, "cannot reach the control plane at " + base
          + " (is `bowline control-plane` running? set --server or BOWLINE_SERVER)");
    } catch (IOException e) {
      throw new ApiException(0, "talking to the control plane at " + base + " failed: " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ApiException(0, "interrupted");
    }
    JsonNode body;
    try {
      body = response.body().isEmpty() ? JSON.createObjectNode() : JSON.readTree(response.body());
    } catch (IOException e) {
      throw new ApiException(response.statusCode(),
          "the server at " + base + " answered " + response.statusCode() + " with a body that is not JSON");
    }
    if (response.statusCode() >= 400) {
      throw new ApiException(response.statusCode(),
          body.path("error").asText("HTTP " + response.statusCode()));
    }
    return body;
  }
}
