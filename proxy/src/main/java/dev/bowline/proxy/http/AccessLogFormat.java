package dev.bowline.proxy.http;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * An Envoy access-log format string, compiled once into literal and operator segments. Supported
 * operators: {@code %START_TIME%}, {@code %REQ(X)%} / {@code %REQ(X?Y)%} (X, else Y),
 * {@code %RESP(X)%}, {@code %PROTOCOL%}, {@code %RESPONSE_CODE%}, {@code %RESPONSE_FLAGS%},
 * {@code %BYTES_RECEIVED%}, {@code %BYTES_SENT%}, {@code %DURATION%}, {@code %UPSTREAM_HOST%},
 * {@code %UPSTREAM_CLUSTER%}, {@code %DOWNSTREAM_REMOTE_ADDRESS%}, {@code
 * %DOWNSTREAM_PEER_URI_SAN%} (the URI SANs of the client's certificate, its SPIFFE ID under mutual
 * TLS, comma-separated), {@code %DOWNSTREAM_LOCAL_URI_SAN%} (those of the certificate this proxy
 * presented to it) and {@code %UPSTREAM_PEER_URI_SAN%} (those of the upstream's certificate);
 * pseudo-headers {@code :METHOD}, {@code :PATH}, {@code :AUTHORITY}. A value that does not exist
 * (no TLS, no certificate) prints {@code -}, as in Envoy. An unknown operator is a configuration
 * error.
 *
 * <p>Immutable and thread-safe.
 */
final class AccessLogFormat {

  /** Envoy's default format. */
  static final String ENVOY_DEFAULT =
      "[%START_TIME%] \"%REQ(:METHOD)% %REQ(X-ENVOY-ORIGINAL-PATH?:PATH)% %PROTOCOL%\" "
          + "%RESPONSE_CODE% %RESPONSE_FLAGS% %BYTES_RECEIVED% %BYTES_SENT% %DURATION% "
          + "%RESP(X-ENVOY-UPSTREAM-SERVICE-TIME)% \"%REQ(X-FORWARDED-FOR)%\" \"%REQ(USER-AGENT)%\" "
          + "\"%REQ(X-REQUEST-ID)%\" \"%REQ(:AUTHORITY)%\" \"%UPSTREAM_HOST%\"\n";

  /** What a log line is made from: one finished request. */
  interface Entry {
    long startEpochMillis();

    long durationNanos();

    String requestHeader(String lowercaseName);

    String responseHeader(String lowercaseName);

    String protocol();

    int responseCode();

    String responseFlags();

    long bytesReceived();

    long bytesSent();

    String upstreamHost();

    String upstreamCluster();

    String downstreamRemoteAddress();

    /** The client certificate's URI SANs, comma-separated; null without one. */
    default String downstreamPeerUriSan() {
      return null;
    }

    /** The URI SANs of the certificate presented to the client; null without TLS. */
    default String downstreamLocalUriSan() {
      return null;
    }

    /** The upstream certificate's URI SANs, comma-separated; null without upstream TLS. */
    default String upstreamPeerUriSan() {
      return null;
    }
  }

  private interface Segment {
    void append(Entry e, StringBuilder out);
  }

  private final List<Segment> segments;

  private AccessLogFormat(List<Segment> segments) {
    this.segments = segments;
  }

  /**
   * Compiles {@code format}.
   *
   * @throws IllegalArgumentException naming an unknown or malformed operator
   */
  static AccessLogFormat compile(String format) {
    List<Segment> segments = new ArrayList<>();
    StringBuilder literal = new StringBuilder();
    int i = 0;
    while (i < format.length()) {
      char c = format.charAt(i);
      if (c != '%') {
        literal.append(c);
        i++;
        continue;
      }
      int end = format.indexOf('%', i + 1);
      if (end < 0) {
        throw new IllegalArgumentException("unterminated operator at offset " + i + " of the log format");
      }
      if (end == i + 1) {
        literal.append('%');
        i = end + 1;
        continue;
      }
      if (literal.length() > 0) {
        String text = literal.toString();
        segments.add((e, out) -> out.append(text));
        literal.setLength(0);
      }
      segments.add(operator(format.substring(i + 1, end)));
      i = end + 1;
    }
    if (literal.length() > 0) {
      String text = literal.toString();
      segments.add((e, out) -> out.append(text));
    }
    return new AccessLogFormat(List.copyOf(segments));
  }

  private static Segment operator(String op) {
    switch (op) {
      case "START_TIME":
        return (e, out) -> out.append(Instant.ofEpochMilli(e.startEpochMillis()));
      case "PROTOCOL":
        return (e, out) -> out.append(e.protocol());
      case "RESPONSE_CODE":
        return (e, out) -> out.append(e.responseCode());
      case "RESPONSE_FLAGS":
        return (e, out) -> out.append(e.responseFlags());
      case "BYTES_RECEIVED":
        return (e, out) -> out.append(e.bytesReceived());
      case "BYTES_SENT":
        return (e, out) -> out.append(e.bytesSent());
      case "DURATION":
        return (e, out) -> out.append(TimeUnit.NANOSECONDS.toMillis(e.durationNanos()));
      case "UPSTREAM_HOST":
        return (e, out) -> out.append(e.upstreamHost());
      case "UPSTREAM_CLUSTER":
        return (e, out) -> out.append(e.upstreamCluster());
      case "DOWNSTREAM_REMOTE_ADDRESS":
        return (e, out) -> out.append(e.downstreamRemoteAddress());
      case "DOWNSTREAM_PEER_URI_SAN":
        return (e, out) -> out.append(orDash(e.downstreamPeerUriSan()));
      case "DOWNSTREAM_LOCAL_URI_SAN":
        return (e, out) -> out.append(orDash(e.downstreamLocalUriSan()));
      case "UPSTREAM_PEER_URI_SAN":
        return (e, out) -> out.append(orDash(e.upstreamPeerUriSan()));
      default:
        break;
    }
    if (op.startsWith("REQ(") && op.endsWith(")")) {
      String[] names = names(op.substring(4, op.length() - 1));
      return (e, out) -> out.append(orDash(first(e, names, true)));
    }
    if (op.startsWith("RESP(") && op.endsWith(")")) {
      String[] names = names(op.substring(5, op.length() - 1));
      return (e, out) -> out.append(orDash(first(e, names, false)));
    }
    throw new IllegalArgumentException("unsupported access log operator %" + op + "%");
  }

  private static String[] names(String spec) {
    String[] parts = spec.split("\\?");
    for (int i = 0; i < parts.length; i++) {
      parts[i] = parts[i].trim().toLowerCase(Locale.ROOT);
    }
    return parts;
  }

  private static String first(Entry e, String[] names, boolean request) {
    for (String name : names) {
      String v = request ? e.requestHeader(name) : e.responseHeader(name);
      if (v != null) {
        return v;
      }
    }
    return null;
  }

  private static String orDash(String v) {
    return v == null || v.isEmpty() ? "-" : v;
  }

  /** Formats one line. */
  String format(Entry entry) {
    StringBuilder out = new StringBuilder(256);
    for (Segment s : segments) {
      s.append(entry, out);
    }
    return out.toString();
  }
}
