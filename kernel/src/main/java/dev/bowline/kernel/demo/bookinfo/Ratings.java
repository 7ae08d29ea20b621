package dev.bowline.kernel.demo.bookinfo;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The ratings service (the original's in-memory v1): {@code GET /ratings/<id>} answers
 * {@code {"id":<id>,"ratings":{"Reviewer1":5,"Reviewer2":4}}}, or what was last posted for that
 * product; {@code POST /ratings/<id>} with a JSON object of ratings replaces them; {@code GET
 * /health} answers that it is healthy. It calls nothing.
 *
 * <p>Threading: any number of handler threads; posted ratings in a concurrent map, at most
 * {@link #MAX_PRODUCTS} products.
 */
final class Ratings implements HttpHandler {

  static final int MAX_PRODUCTS = 1000;
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Map<Integer, ObjectNode> posted = new ConcurrentHashMap<>();

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    String path = exchange.getRequestURI().getPath();
    String method = exchange.getRequestMethod();
    if (path.equals("/health") && Requests.reads(exchange)) {
      Replies.json(exchange, 200, "{\"status\":\"Ratings is healthy\"}");
    } else if (path.startsWith("/ratings/")) {
      Optional<Integer> id = productId(path.substring("/ratings/".length()));
      if (id.isEmpty()) {
        Replies.json(exchange, 400, "{\"error\":\"please provide numeric product ID\"}");
      } else if (Requests.reads(exchange)) {
        Replies.json(exchange, 200, JSON.writeValueAsString(ratings(id.get())));
      } else if (method.equals("POST")) {
        post(exchange, id.get());
      } else {
        Replies.text(exchange, 405, "method not allowed\n");
      }
    } else {
      Replies.text(exchange, 404, "not found\n");
    }
  }

  private void post(HttpExchange exchange, int id) throws IOException {
    Optional<String> body = Requests.body(exchange);
    if (body.isEmpty()) {
      Replies.json(exchange, 413, "{\"error\":\"ratings JSON too large\"}");
      return;
    }
    JsonNode ratings;
    try {
      ratings = JSON.readTree(body.get());
    } catch (JsonProcessingException e) {
      ratings = null;
    }
    if (ratings == null || !ratings.isObject()) {
      Replies.json(exchange, 400, "{\"error\":\"please provide valid ratings JSON\"}");
      return;
    }
    if (posted.size() >= MAX_PRODUCTS && !posted.containsKey(id)) {
      Replies.json(exchange, 400, "{\"error\":\"too many products with posted ratings\"}");
      return;
    }
    ObjectNode entry = JSON.createObjectNode();
    entry.put("id", id);
    entry.set("ratings", ratings);
    posted.put(id, entry);
    Replies.json(exchange, 200, JSON.writeValueAsString(entry));
  }

  private ObjectNode ratings(int id) {
    ObjectNode p = posted.get(id);
    if (p != null) {
      return p;
    }
    ObjectNode out = JSON.createObjectNode();
    out.put("id", id);
    ObjectNode r = out.putObject("ratings");
    r.put("Reviewer1", 5);
    r.put("Reviewer2", 4);
    return out;
  }

  private static Optional<Integer> productId(String s) {
    try {
      return Optional.of(Integer.parseInt(s));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }
}
