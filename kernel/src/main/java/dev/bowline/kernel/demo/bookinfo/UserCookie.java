package dev.bowline.kernel.demo.bookinfo;

import com.sun.net.httpserver.Headers;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/**
 * The productpage's sign-in state: a {@code user} cookie holding the user name (percent-encoded),
 * set by {@code POST /login} and cleared by {@code GET /logout}. A user name is 1 to 128
 * printable ASCII characters, so that it is a valid {@code end-user} header value. Stateless.
 */
final class UserCookie {

  static final String NAME = "user";
  static final int MAX_LENGTH = 128;

  private UserCookie() {}

  /** Whether {@code user} may sign in. */
  static boolean valid(String user) {
    if (user.isEmpty() || user.length() > MAX_LENGTH || user.isBlank()) {
      return false;
    }
    for (int i = 0; i < user.length(); i++) {
      char c = user.charAt(i);
      if (c < 0x20 || c > 0x7e) {
        return false;
      }
    }
    return true;
  }

  /** The signed-in user of a request, if its {@code user} cookie holds a valid name. */
  static Optional<String> read(Headers request) {
    for (String header : request.getOrDefault("Cookie", List.of())) {
      for (String pair : header.split(";")) {
        int eq = pair.indexOf('=');
        if (eq > 0 && pair.substring(0, eq).trim().equals(NAME)) {
          String value = pair.substring(eq + 1).trim();
          if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
            value = value.substring(1, value.length() - 1);
          }
          try {
            String user = URLDecoder.decode(value, StandardCharsets.UTF_8);
            return valid(user) ? Optional.of(user) : Optional.empty();
          } catch (IllegalArgumentException e) {
            return Optional.empty();
          }
        }
      }
    }
    return Optional.empty();
  }

  /** The {@code Set-Cookie} value signing {@code user} in (a session cookie for the whole site). */
  static String signIn(String user) {
    return NAME + "=" + URLEncoder.encode(user, StandardCharsets.UTF_8).replace("+", "%20")
        + "; Path=/";
  }

  /** The {@code Set-Cookie} value signing out. */
  static String signOut() {
    return NAME + "=; Path=/; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT";
  }
}
