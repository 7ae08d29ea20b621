package dev.bowline.proxy.http.hardening;

/**
 * Checks that a {@code Host} value or an absolute-form authority is a plain {@code host[:port]}
 * (RFC 9110 §7.2, RFC 3986 §3.2): a reg-name or IPv4 address of unreserved, sub-delims and
 * percent-encoded characters, or a bracketed IP literal, then an optional decimal port. Empty
 * values and userinfo ({@code @}) are refused: RFC 9110 §4.2.4 deprecates userinfo in http(s)
 * URIs and a proxy routes on this value, so nothing ambiguous may pass.
 *
 * <p>Stateless; allocates nothing.
 */
final class HostAuthority {

  private HostAuthority() {}

  static boolean isValid(CharSequence authority) {
    int length = authority.length();
    if (length == 0) {
      return false;
    }
    int portStart;
    if (authority.charAt(0) == '[') {
      int close = indexOf(authority, ']', 1);
      if (close < 2) {
        return false;
      }
      for (int i = 1; i < close; i++) {
        char c = authority.charAt(i);
        if (!(isHostChar(c) || c == ':')) {
          return false;
        }
      }
      if (close + 1 == length) {
        return true;
      }
      if (authority.charAt(close + 1) != ':') {
        return false;
      }
      portStart = close + 2;
    } else {
      int colon = indexOf(authority, ':', 0);
      int hostEnd = colon < 0 ? length : colon;
      if (hostEnd == 0) {
        return false;
      }
      for (int i = 0; i < hostEnd; i++) {
        if (!isHostChar(authority.charAt(i))) {
          return false;
        }
      }
      if (colon < 0) {
        return true;
      }
      portStart = colon + 1;
    }
    if (length - portStart > 5) {
      return false;
    }
    for (int i = portStart; i < length; i++) {
      char c = authority.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
    }
    return true;
  }

  private static boolean isHostChar(char c) {
    if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
      return true;
    }
    switch (c) {
      case '-', '.', '_', '~', '!', '$', '&', '\'', '(', ')', '*', '+', ',', ';', '=', '%':
        return true;
      default:
        return false;
    }
  }

  private static int indexOf(CharSequence s, char c, int from) {
    for (int i = from; i < s.length(); i++) {
      if (s.charAt(i) == c) {
        return i;
      }
    }
    return -1;
  }
}
