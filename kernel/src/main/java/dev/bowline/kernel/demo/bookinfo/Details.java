package dev.bowline.kernel.demo.bookinfo;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;

/**
 * The details service: {@code GET /details/<id>} answers the book's details (the same book for
 * every numeric id, as the original without its external book service), {@code GET /health} that
 * it is healthy. It calls nothing.
 *
 * <p>Threading: stateless; any number of handler threads.
 */
final class Details implements HttpHandler {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    String path = exchange.getRequestURI().getPath();
    if (!Requests.reads(exchange)) {
      Replies.text(exchange, 405, "method not allowed\n");
    } else if (path.equals("/health")) {
      Replies.json(exchange, 200, "{\"status\":\"Details is healthy\"}");
    } else if (path.equals("/details") || path.startsWith("/details/")) {
      String last = path.substring(path.lastIndexOf('/') + 1);
      try {
        Replies.json(exchange, 200, JSON.writeValueAsString(book(Integer.parseInt(last))));
      } catch (NumberFormatException e) {
        Replies.json(exchange, 400, "{\"error\":\"please provide numeric product id\"}");
      }
    } else {
      Replies.text(exchange, 404, "not found\n");
    }
  }

  /** The details of book {@code id}, as the original answers them. */
  static ObjectNode book(int id) {
    ObjectNode book = JSON.createObjectNode();
    book.put("id", id);
    book.put("author", "William Shakespeare");
    book.put("year", 1595);
    book.put("type", "paperback");
    book.put("pages", 200);
    book.put("publisher", "PublisherA");
    book.put("language", "English");
    book.put("ISBN-10", "1234567890");
    book.put("ISBN-13", "123-1234567890");
    return book;
  }
}
