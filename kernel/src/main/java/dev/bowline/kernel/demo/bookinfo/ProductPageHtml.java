package dev.bowline.kernel.demo.bookinfo;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;

/**
 * The productpage's HTML: the front page and the book page, laid out as the original's templates
 * (book details on the left, reviews on the right, stars as {@code glyphicon-star} spans in a
 * {@code <font color="black|red">}, the error messages in their places), self-contained (no
 * stylesheet or script to fetch; the sign-in form opens without JavaScript). Every value from a
 * service or the user is HTML-escaped. Stateless.
 */
final class ProductPageHtml {

  private static final String HEAD = """
      <!DOCTYPE html>
      <html lang="en">
      <head>
      <meta charset="utf-8">
      <meta name="viewport" content="width=device-width, initial-scale=1.0">
      <title>Simple Bookstore App</title>
      <style>
      body { margin: 0; font-family: sans-serif; color: #333; }
      .navbar { background: #222; color: #ddd; padding: 10px 20px; display: flex;
        justify-content: space-between; align-items: center; }
      .navbar a { color: #fff; }
      .navbar-brand { font-size: 18px; text-decoration: none; }
      .sign-in summary { cursor: pointer; }
      .sign-in form { position: absolute; right: 20px; background: #fff; color: #333;
        padding: 10px; border: 1px solid #ccc; }
      .container { padding: 0 20px; }
      .row { display: flex; flex-wrap: wrap; }
      .col-md-6 { flex: 1 1 400px; padding: 0 10px; }
      .text-center { text-align: center; }
      .text-primary { color: #337ab7; }
      blockquote { border-left: 5px solid #eee; margin: 0 0 20px; padding: 10px 20px; }
      small { display: block; color: #777; }
      dt { font-weight: bold; margin-top: 4px; }
      .glyphicon { font-size: 20px; }
      .served-by { color: #777; font-family: monospace; }
      table { border-collapse: collapse; } td, th { border: 1px solid #ddd; padding: 4px 8px; }
      </style>
      </head>
      <body>
      """;

  private ProductPageHtml() {}

  /** The front page, with a request as a normal user and as a test user. */
  static String index() {
    return HEAD + """
        <nav class="navbar"><a class="navbar-brand" href="#">BookInfo Sample</a></nav>
        <div class="container">
        <h3>Hello! This is a simple bookstore application consisting of three services as shown below</h3>
        <table>
        <tr><th>name</th><th>endpoint</th><th>children</th></tr>
        <tr><td>productpage</td><td>productpage</td><td>details, reviews</td></tr>
        <tr><td>details</td><td>details</td><td></td></tr>
        <tr><td>reviews</td><td>reviews</td><td>ratings</td></tr>
        <tr><td>ratings</td><td>ratings</td><td></td></tr>
        </table>
        <p>Click on one of the links below to auto generate a request to the backend as a real user or a tester</p>
        <p><a href="productpage?u=normal">Normal user</a></p>
        <p><a href="productpage?u=test">Test user</a></p>
        </div>
        </body>
        </html>
        """;
  }

  /** The book page. */
  static String page(Product product, Fetched details, Fetched reviews, Optional<String> user) {
    StringBuilder h = new StringBuilder(8192).append(HEAD);
    h.append("<nav class=\"navbar\">\n<a class=\"navbar-brand\" href=\"#\">BookInfo Sample</a>\n");
    if (user.isPresent()) {
      h.append("<p class=\"navbar-text navbar-right\"><span class=\"user\">")
          .append(escape(user.get()))
          .append("</span> ( <a href=\"logout\">sign out</a> )</p>\n");
    } else {
      h.append("""
          <details class="sign-in"><summary>Sign in</summary>
          <form method="post" action="login" name="login_form">
          <p><input type="text" name="username" id="username" placeholder="User Name"></p>
          <p><input type="password" name="passwd" placeholder="Password"></p>
          <p><button type="submit">Sign in</button></p>
          </form></details>
          """);
    }
    h.append("</nav>\n<div class=\"container\">\n<div class=\"row\"><div class=\"col-md-12\">\n")
        .append("<h3 class=\"text-center text-primary\">").append(escape(product.title()))
        .append("</h3>\n<p>Summary: ").append(product.descriptionHtml()).append("</p>\n")
        .append("</div></div>\n<div class=\"row\">\n<div class=\"col-md-6\">\n");
    details(h, details);
    h.append("</div>\n<div class=\"col-md-6\">\n");
    reviews(h, reviews);
    h.append("</div>\n</div>\n</div>\n</body>\n</html>\n");
    return h.toString();
  }

  private static void details(StringBuilder h, Fetched details) {
    JsonNode d = details.body();
    if (details.ok()) {
      h.append("<h4 class=\"text-center text-primary\">Book Details</h4>\n<dl>\n");
      field(h, "Type", d.path("type"));
      field(h, "Pages", d.path("pages"));
      field(h, "Publisher", d.path("publisher"));
      field(h, "Language", d.path("language"));
      field(h, "ISBN-10", d.path("ISBN-10"));
      field(h, "ISBN-13", d.path("ISBN-13"));
      h.append("</dl>\n");
    } else {
      h.append("<h4 class=\"text-center text-primary\">Error fetching product details!</h4>\n")
          .append("<p>").append(escape(d.path("error").asText())).append("</p>\n");
    }
  }

  private static void field(StringBuilder h, String name, JsonNode value) {
    h.append("<dt>").append(name).append(":</dt>").append(escape(value.asText())).append('\n');
  }

  private static void reviews(StringBuilder h, Fetched reviews) {
    JsonNode r = reviews.body();
    if (!reviews.ok()) {
      h.append("<h4 class=\"text-center text-primary\">Error fetching product reviews!</h4>\n")
          .append("<p>").append(escape(r.path("error").asText())).append("</p>\n");
      return;
    }
    h.append("<h4 class=\"text-center text-primary\">Book Reviews</h4>\n");
    for (JsonNode review : r.path("reviews")) {
      h.append("<blockquote>\n<p>").append(escape(review.path("text").asText())).append("</p>\n")
          .append("<small>").append(escape(review.path("reviewer").asText())).append("</small>\n");
      JsonNode rating = review.path("rating");
      int stars = Math.max(0, Math.min(5, rating.path("stars").asInt(0)));
      if (stars > 0) {
        h.append("<font color=\"").append(escape(rating.path("color").asText())).append("\">\n");
        for (int i = 0; i < stars; i++) {
          h.append("<span class=\"glyphicon glyphicon-star\">&#9733;</span>\n");
        }
        for (int i = stars; i < 5; i++) {
          h.append("<span class=\"glyphicon glyphicon-star-empty\">&#9734;</span>\n");
        }
        h.append("</font>\n");
      } else if (rating.hasNonNull("error")) {
        h.append("<p><i>").append(escape(rating.path("error").asText())).append("</i></p>\n");
      }
      h.append("</blockquote>\n");
    }
    if (r.hasNonNull("podname")) {
      h.append("<p class=\"served-by\">Reviews served by: ").append(escape(r.path("podname").asText()));
      String cluster = r.path("clustername").asText("null");
      if (!cluster.equals("null")) {
        h.append(" on cluster ").append(escape(cluster));
      }
      h.append("</p>\n");
    }
  }

  static String escape(String s) {
    StringBuilder out = null;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      String rep = switch (c) {
        case '&' -> "&amp;";
        case '<' -> "&lt;";
        case '>' -> "&gt;";
        case '"' -> "&quot;";
        case '\'' -> "&#39;";
        default -> null;
      };
      if (rep != null && out == null) {
        out = new StringBuilder(s.length() + 16).append(s, 0, i);
      }
      if (out != null) {
        if (rep != null) {
          out.append(rep);
        } else {
          out.append(c);
        }
      }
    }
    return out == null ? s : out.toString();
  }
}
