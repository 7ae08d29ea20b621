package dev.bowline.kernel.demo.bookinfo;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The reviews service: {@code GET /reviews/<id>} answers two reviews of the book, {@code GET
 * /health} that it is healthy. v1 has no ratings; v2 and v3 ask ratings ({@code GET
 * /ratings/<id>}, headers passed on as {@link ForwardedHeaders} says, {@code end-user} included)
 * and add to each review {@code "rating":{"stars":N,"color":"black"}} (v2) or {@code "red"} (v3),
 * or {@code "rating":{"error":"Ratings service is currently unavailable"}} when ratings fails or
 * has no rating for that reviewer. The answer names the instance as the original does
 * ({@code podname}, {@code clustername}) and adds its {@code version}.
 *
 * <p>Threading: stateless; any number of handler threads, each blocked during its ratings call.
 */
final class Reviews implements HttpHandler {

  static final String RATINGS_UNAVAILABLE = "Ratings service is currently unavailable";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String[][] REVIEWS = {
      {"Reviewer1", "An extremely entertaining play by Shakespeare. The slapstick humour is refreshing!"},
      {"Reviewer2", "Absolutely fun and entertaining. The play lacks thematic depth when compared to "
          + "other plays by Shakespeare."}};

  private final String version;
  private final Optional<String> starColor;
  private final String podName;
  private final String clusterName;
  private final UpstreamClient upstream;
  private final Duration ratingsTimeout;

  /**
   * @param version v1, v2 or v3
   * @param upstream reaches ratings (v2, v3)
   */
  Reviews(String version, String podName, String clusterName, UpstreamClient upstream,
      BookinfoTimeouts timeouts) {
    this.version = version;
    this.starColor = switch (version) {
      case "v1" -> Optional.empty();
      case "v2" -> Optional.of("black");
      case "v3" -> Optional.of("red");
      default -> throw new IllegalArgumentException("version: reviews has v1, v2, v3; got " + version);
    };
    this.podName = podName;
    this.clusterName = clusterName;
    this.upstream = upstream;
    this.ratingsTimeout = version.equals("v3") ? timeouts.ratingsFromV3() : timeouts.ratingsFromV2();
  }

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    String path = exchange.getRequestURI().getPath();
    if (!Requests.reads(exchange)) {
      Replies.text(exchange, 405, "method not allowed\n");
    } else if (path.equals("/health")) {
      Replies.json(exchange, 200, "{\"status\":\"Reviews is healthy\"}");
    } else if (path.startsWith("/reviews/")) {
      try {
        int id = Integer.parseInt(path.substring("/reviews/".length()));
        Replies.json(exchange, 200, JSON.writeValueAsString(reviews(id, exchange)));
      } catch (NumberFormatException e) {
        Replies.text(exchange, 404, "not found\n");
      }
    } else {
      Replies.text(exchange, 404, "not found\n");
    }
  }

  private ObjectNode reviews(int id, HttpExchange exchange) {
    Optional<JsonNode> ratings = Optional.empty();
    if (starColor.isPresent()) {
      Map<String, String> headers = ForwardedHeaders.of(exchange.getRequestHeaders(),
          Optional.ofNullable(exchange.getRequestHeaders().getFirst(ForwardedHeaders.END_USER)));
      UpstreamClient.Reply reply =
          upstream.get(BookinfoKind.RATINGS.serviceName(), "/ratings/" + id, headers, ratingsTimeout);
      ratings = reply.ok() ? parse(reply.body()).map(r -> r.path("ratings")) : Optional.empty();
    }
    ObjectNode out = JSON.createObjectNode();
    out.put("id", Integer.toString(id));
    out.put("podname", podName);
    out.put("clustername", clusterName);
    out.put("version", version);
    ArrayNode list = out.putArray("reviews");
    for (String[] review : REVIEWS) {
      ObjectNode r = list.addObject();
      r.put("reviewer", review[0]);
      r.put("text", review[1]);
      if (starColor.isPresent()) {
        ObjectNode rating = r.putObject("rating");
        OptionalInt stars = stars(ratings, review[0]);
        if (stars.isPresent()) {
          rating.put("stars", stars.getAsInt());
          rating.put("color", starColor.get());
        } else {
          rating.put("error", RATINGS_UNAVAILABLE);
        }
      }
    }
    return out;
  }

  private static OptionalInt stars(Optional<JsonNode> ratings, String reviewer) {
    JsonNode n = ratings.map(r -> r.get(reviewer)).orElse(null);
    return n != null && n.canConvertToInt() && n.isIntegralNumber()
        ? OptionalInt.of(n.intValue()) : OptionalInt.empty();
  }

  private static Optional<JsonNode> parse(String body) {
    try {
      return Optional.ofNullable(JSON.readTree(body));
    } catch (JsonProcessingException e) {
      return Optional.empty();
    }
  }
}
