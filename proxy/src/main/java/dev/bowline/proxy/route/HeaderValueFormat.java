package dev.bowline.proxy.route;

import java.util.ArrayList;
import java.util.List;

/**
 * A header value from the configuration, parsed once into literal text and Envoy format variables
 * (see {@link FormatContext} for the list). A value without variables is a constant and evaluates
 * without allocating.
 */
final class HeaderValueFormat {

  private static final String REMOTE_ADDRESS = "DOWNSTREAM_REMOTE_ADDRESS";
  private static final String REMOTE_ADDRESS_WITHOUT_PORT = "DOWNSTREAM_REMOTE_ADDRESS_WITHOUT_PORT";

  /** One piece of a dynamic value. */
  private interface Segment {
    String value(FormatContext context);
  }

  private final String source;
  /** The constant value, or {@code null} if the value has variables. */
  private final String literal;
  private final Segment[] segments;

  private HeaderValueFormat(String source, String literal, Segment[] segments) {
    this.source = source;
    this.literal = literal;
    this.segments = segments;
  }

  /**
   * Parses {@code value}.
   *
   * @throws IllegalArgumentException with a message for the operator if a {@code %REQ(...)%} is
   *     malformed
   */
  static HeaderValueFormat parse(String value) {
    List<Segment> segments = new ArrayList<>();
    StringBuilder text = new StringBuilder();
    int i = 0;
    while (i < value.length()) {
      char c = value.charAt(i);
      if (c != '%') {
        text.append(c);
        i++;
        continue;
      }
      if (i + 1 < value.length() && value.charAt(i + 1) == '%') {
        text.append('%');
        i += 2;
        continue;
      }
      int close = value.indexOf('%', i + 1);
      if (close < 0) {
        if (value.startsWith("REQ(", i + 1)) {
          throw new IllegalArgumentException(value.substring(i) + " has no closing '%'");
        }
        text.append(value, i, value.length());
        break;
      }
      String command = value.substring(i + 1, close);
      Segment segment = variable(command);
      if (segment == null) {
        // Not a variable Bowline knows: keep it as text, including the closing '%'.
        text.append(value, i, close + 1);
      } else {
        if (text.length() > 0) {
          segments.add(constant(text.toString()));
          text.setLength(0);
        }
        segments.add(segment);
      }
      i = close + 1;
    }
    if (segments.isEmpty()) {
      return new HeaderValueFormat(value, text.toString(), new Segment[0]);
    }
    if (text.length() > 0) {
      segments.add(constant(text.toString()));
    }
    return new HeaderValueFormat(value, null, segments.toArray(new Segment[0]));
  }

  private static Segment constant(String text) {
    return context -> text;
  }

  private static Segment variable(String command) {
    if (command.equals(REMOTE_ADDRESS)) {
      return context -> orEmpty(context.downstreamRemoteAddress());
    }
    if (command.equals(REMOTE_ADDRESS_WITHOUT_PORT)) {
      return context -> orEmpty(context.downstreamRemoteAddressWithoutPort());
    }
    if (command.startsWith("REQ(")) {
      return requestHeader(command);
    }
    return null;
  }

  /** {@code REQ(name)}, {@code REQ(name?alternative)}, optionally followed by {@code :max}. */
  private static Segment requestHeader(String command) {
    int close = command.indexOf(')');
    if (close < 0) {
      throw new IllegalArgumentException("%" + command + "% has no closing parenthesis");
    }
    String names = command.substring("REQ(".length(), close);
    String rest = command.substring(close + 1);
    int maxLength;
    if (rest.isEmpty()) {
      maxLength = Integer.MAX_VALUE;
    } else if (rest.matches(":[0-9]{1,9}")) {
      maxLength = Integer.parseInt(rest.substring(1));
    } else {
      throw new IllegalArgumentException("%" + command + "%: expected :<max length> after ')'");
    }
    int question = names.indexOf('?');
    String main = Ascii.toLowerCase(question < 0 ? names : names.substring(0, question));
    String alternative = question < 0 ? null : Ascii.toLowerCase(names.substring(question + 1));
    if (main.isEmpty() || (alternative != null && (alternative.isEmpty() || alternative.indexOf('?') >= 0))) {
      throw new IllegalArgumentException("%" + command + "% must name a header, or two separated by '?'");
    }
    RequestField mainField = RequestField.of(main);
    RequestField alternativeField = alternative == null ? null : RequestField.of(alternative);
    int max = maxLength;
    return context -> {
      RequestView request = context.request();
      String value = mainField.read(request, main);
      if (value == null && alternativeField != null) {
        value = alternativeField.read(request, alternative);
      }
      if (value == null) {
        return "";
      }
      return value.length() > max ? value.substring(0, max) : value;
    };
  }

  private static String orEmpty(String value) {
    return value == null ? "" : value;
  }

  /** Whether the value is a constant. */
  boolean isLiteral() {
    return literal != null;
  }

  /** The value for this request. */
  String evaluate(FormatContext context) {
    if (literal != null) {
      return literal;
    }
    if (segments.length == 1) {
      return segments[0].value(context);
    }
    StringBuilder out = new StringBuilder();
    for (Segment segment : segments) {
      out.append(segment.value(context));
    }
    return out.toString();
  }

  @Override
  public String toString() {
    return source;
  }
}
