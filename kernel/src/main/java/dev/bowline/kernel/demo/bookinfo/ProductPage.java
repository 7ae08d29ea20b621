package dev.bowline.kernel.demo.bookinfo;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The productpage service, the original's routes:
 *
 * <ul>
 *   <li>{@code GET /}, {@code /index.html}: the sample's front page; {@code GET /health}.
 *   <li>{@code GET /productpage}: the book page, from details and reviews.
 *   <li>{@code POST /login} (form field {@code username}): sets the {@code user} cookie and
 *       redirects to {@code /productpage}; {@code GET /logout} clears it and redirects there too.
 *   <li>{@code GET /api/v1/products}, {@code /api/v1/products/<id>} (details), {@code
 *       .../<id>/reviews}, {@code .../<id>/ratings}: JSON, with the called service's status.
 * </ul>
 *
 * <p>Calls carry the headers of {@link ForwardedHeaders} and, for a signed-in user, {@code
 * end-user: <user>}. Details gets one try, reviews {@link BookinfoTimeouts#reviewsAttempts()}
 * (the original's deliberate retry loop), each with its timeout; a failed call shows the
 * original's "Sorry, product ... are currently unavailable for this book." message.
 *
 * <p>Threading: stateless; any number of handler threads, each blocked during its calls.
 */
final class ProductPage implements HttpHandler {

  static final String DETAILS_UNAVAILABLE =
      "Sorry, product details are currently unavailable for this book.";
  static final String REVIEWS_UNAVAILABLE =
      "Sorry, product reviews are currently unavailable for this book.";
  static final String RATINGS_UNAVAILABLE =
      "Sorry, product ratings are currently unavailable for this book.";
  private static final String API = "/api/v1/products";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final UpstreamClient upstream;
  private final BookinfoTimeouts timeouts;

  ProductPage(UpstreamClient upstream, BookinfoTimeouts timeouts) {
    this.upstream = upstream;
    this.timeouts = timeouts;
  }

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    String path = exchange.getRequestURI().getPath();
    if (path.equals("/login")) {
      if (exchange.getRequestMethod().equals("POST")) {
        login(exchange);
      } else {
        Replies.text(exchange, 405, "method not allowed\n");
      }
      return;
    }
    if (!Requests.reads(exchange)) {
      Replies.text(exchange, 405, "method not allowed\n");
      return;
    }
    switch (path) {
      case "/", "/index.html" -> Replies.html(exchange, ProductPageHtml.index());
      case "/health" -> Replies.text(exchange, 200, "Product page is healthy");
      case "/logout" -> Replies.redirect(exchange, "/productpage", List.of(UserCookie.signOut()));
      case "/productpage" -> page(exchange);
      case API -> Replies.json(exchange, 200, JSON.writeValueAsString(products()));
      default -> api(exchange, path);
    }
  }

  private void login(HttpExchange exchange) throws IOException {
    Optional<String> body = Requests.body(exchange);
    Optional<String> user = body.flatMap(b -> FormFields.first(b, "username"))
        .or(() -> FormFields.first(exchange.getRequestURI().getRawQuery(), "username"));
    if (user.isEmpty() || !UserCookie.valid(user.get())) {
      Replies.text(exchange, 400, "username: 1 to " + UserCookie.MAX_LENGTH
          + " printable ASCII characters are required\n");
      return;
    }
    Replies.redirect(exchange, "/productpage", List.of(UserCookie.signIn(user.get())));
  }

  private void page(HttpExchange exchange) throws IOException {
    Optional<String> user = UserCookie.read(exchange.getRequestHeaders());
    Map<String, String> headers = ForwardedHeaders.of(exchange.getRequestHeaders(), user);
    Product product = Product.ALL.get(0);
    String id = Integer.toString(product.id());
    Fetched details = details(id, headers);
    Fetched reviews = reviews(id, headers);
    Replies.html(exchange, ProductPageHtml.page(product, details, reviews, user));
  }

  private void api(HttpExchange exchange, String path) throws IOException {
    if (!path.startsWith(API + "/")) {
      Replies.text(exchange, 404, "not found\n");
      return;
    }
    String[] rest = path.substring(API.length() + 1).split("/", -1);
    if (rest[0].isEmpty() || rest.length > 2) {
      Replies.text(exchange, 404, "not found\n");
      return;
    }
    String id = URLEncoder.encode(rest[0], StandardCharsets.UTF_8).replace("+", "%20");
    Map<String, String> headers = ForwardedHeaders.of(
        exchange.getRequestHeaders(), UserCookie.read(exchange.getRequestHeaders()));
    Fetched f;
    if (rest.length == 1) {
      f = details(id, headers);
    } else if (rest[1].equals("reviews")) {
      f = reviews(id, headers);
    } else if (rest[1].equals("ratings")) {
      f = fetch(BookinfoKind.RATINGS, id, headers, timeouts.ratings(), 1, RATINGS_UNAVAILABLE);
    } else {
      Replies.text(exchange, 404, "not found\n");
      return;
    }
    Replies.json(exchange, f.status(), JSON.writeValueAsString(f.body()));
  }

  private Fetched details(String id, Map<String, String> headers) {
    return fetch(BookinfoKind.DETAILS, id, headers, timeouts.details(), 1, DETAILS_UNAVAILABLE);
  }

  private Fetched reviews(String id, Map<String, String> headers) {
    return fetch(BookinfoKind.REVIEWS, id, headers, timeouts.reviewsPerTry(),
        timeouts.reviewsAttempts(), REVIEWS_UNAVAILABLE);
  }

  /** GETs {@code /<service>/<id>}, up to {@code attempts} times until a 200 with JSON. */
  private Fetched fetch(BookinfoKind service, String id, Map<String, String> headers,
      Duration timeout, int attempts, String unavailable) {
    int status = 0;
    for (int i = 0; i < attempts; i++) {
      UpstreamClient.Reply r = upstream.get(
          service.serviceName(), "/" + service.serviceName() + "/" + id, headers, timeout);
      status = r.status();
      if (r.ok()) {
        Optional<JsonNode> json = parse(r.body());
        if (json.isPresent()) {
          return new Fetched(200, json.get());
        }
        status = 0;
      }
    }
    ObjectNode error = JSON.createObjectNode();
    error.put("error", unavailable);
    return new Fetched(status > 0 ? status : 500, error);
  }

  private static JsonNode products() {
    var list = JSON.createArrayNode();
    for (Product p : Product.ALL) {
      ObjectNode n = list.addObject();
      n.put("id", p.id());
      n.put("title", p.title());
      n.put("descriptionHtml", p.descriptionHtml());
    }
    return list;
  }

  private static Optional<JsonNode> parse(String body) {
    try {
      JsonNode n = JSON.readTree(body);
      return n != null && n.isContainerNode() ? Optional.of(n) : Optional.empty();
    } catch (JsonProcessingException e) {
      return Optional.empty();
    }
  }
}
