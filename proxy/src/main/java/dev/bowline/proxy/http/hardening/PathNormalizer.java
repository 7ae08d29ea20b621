package dev.bowline.proxy.http.hardening;

import dev.bowline.proxy.config.HttpConnectionManagerConfig;
import dev.bowline.proxy.config.HttpConnectionManagerConfig.EscapedSlashesAction;
import io.netty.handler.codec.http.HttpMethod;
import java.util.Objects;

/**
 * Validates a request-target and produces the path used both to match routes and to forward, so
 * that the proxy and the upstream read the same path (the defence against path-confusion attacks
 * such as {@code /public/..%2Fadmin}).
 *
 * <p>Input: an origin-form request-target ({@code /path?query}) or {@code *}. Absolute-form targets
 * are reduced to origin-form by the caller first ({@link Http1RequestGuard} does). Steps, in
 * Envoy's order:
 *
 * <ol>
 *   <li><b>Validation, always.</b> Rejected: an empty target or one not starting with {@code /}
 *       (except {@code *} on {@code OPTIONS}); a {@code #} anywhere (Envoy rejects fragments
 *       too); control characters, space, DEL and raw non-ASCII bytes anywhere (RFC 3986 allows
 *       none; clients percent-encode them); a {@code %} in the path not followed by two hex
 *       digits; a raw backslash in the path (see below).
 *   <li><b>Escaped slashes</b> ({@code %2F}, {@code %5C}, either case), in the path only, per
 *       {@link EscapedSlashesAction}: {@code REJECT_REQUEST} rejects; {@code UNESCAPE_AND_FORWARD}
 *       turns them into {@code /} before the steps below; {@code UNESCAPE_AND_REDIRECT} does the
 *       same and asks the caller to redirect to the result ({@link PathNormalization.Outcome#REDIRECT});
 *       {@code KEEP_UNCHANGED} leaves them encoded (they then never separate segments).
 *   <li><b>Normalization</b>, when {@code normalizePath}: percent-encoded unreserved characters
 *       ({@code ALPHA DIGIT - . _ ~}) are decoded and the hex digits of every other
 *       percent-encoding are upper-cased (RFC 3986 §6.2.2.1–2), then dot segments are removed
 *       (RFC 3986 §5.2.4) — after decoding, so {@code %2e%2e} counts as {@code ..}. {@code ..}
 *       never climbs above the root. A dot segment carrying path parameters ({@code ..;x},
 *       {@code .;x}) counts as a dot segment, as in Envoy: Java servlet containers strip the
 *       parameters and would otherwise resolve {@code /public/..;/admin} to {@code /admin}
 *       behind the proxy's back.
 *   <li><b>Slash merging</b>, when {@code mergeSlashes}: runs of {@code /} become one.
 * </ol>
 *
 * <p>The query is validated but never rewritten, and is appended unchanged.
 *
 * <p><b>Decisions where Envoy needed interpretation.</b> A raw backslash is rejected: it is not
 * allowed by RFC 3986, Envoy's own URL canonicalization turns it into {@code /} while many
 * upstreams do not, and rejecting cannot create a confusion that forwarding could. An unescaped
 * {@code %5C} becomes {@code /}, not {@code \}: Envoy unescapes it to {@code \} and then its
 * canonicalization turns that into {@code /}, so {@code /} is the net effect and avoids forwarding
 * the backslash rejected above. Raw non-ASCII bytes are rejected rather than passed on, because
 * the HTTP/1 decoder reads them as Latin-1 and an encoder would re-encode them as UTF-8, i.e.
 * corrupt them.
 *
 * <p><b>Threading.</b> Immutable and stateless: one instance may serve every connection and
 * thread. A target that needs no change is returned as the same {@code String}, with only the
 * small result object allocated; a rewrite allocates one {@code char[]} and one {@code String}.
 */
public final class PathNormalizer {

  private final boolean normalizePath;
  private final boolean mergeSlashes;
  private final EscapedSlashesAction escapedSlashes;

  /**
   * @param normalizePath whether to decode unreserved percent-encodings, upper-case the rest and
   *     remove dot segments
   * @param mergeSlashes whether to merge runs of slashes
   * @param escapedSlashes what to do with {@code %2F} and {@code %5C} in the path
   */
  public PathNormalizer(
      boolean normalizePath, boolean mergeSlashes, EscapedSlashesAction escapedSlashes) {
    this.normalizePath = normalizePath;
    this.mergeSlashes = mergeSlashes;
    this.escapedSlashes = Objects.requireNonNull(escapedSlashes, "escapedSlashes");
  }

  /** The normalizer configured by an HTTP connection manager. */
  public static PathNormalizer from(HttpConnectionManagerConfig config) {
    return new PathNormalizer(
        config.normalizePath(), config.mergeSlashes(), config.escapedSlashesAction());
  }

  /**
   * Validates and normalizes one request-target.
   *
   * @param requestTarget the origin-form target as received (path and optional query), or
   *     {@code *}
   * @param method the request's method; only {@code OPTIONS} may use {@code *}
   * @return forward (with the target to use), redirect (with the location) or reject (with why)
   */
  public PathNormalization normalize(String requestTarget, HttpMethod method) {
    int length = requestTarget.length();
    if (length == 0) {
      return PathNormalization.reject(PathRejection.NOT_ORIGIN_FORM);
    }
    char first = requestTarget.charAt(0);
    if (first != '/') {
      if (length == 1 && first == '*') {
        return HttpMethod.OPTIONS.equals(method)
            ? PathNormalization.forward(requestTarget, false)
            : PathNormalization.reject(PathRejection.ASTERISK_FORM_NOT_ALLOWED);
      }
      return PathNormalization.reject(PathRejection.NOT_ORIGIN_FORM);
    }
    int pathEnd = requestTarget.indexOf('?');
    if (pathEnd < 0) {
      pathEnd = length;
    }
    for (int i = pathEnd + 1; i < length; i++) {
      char c = requestTarget.charAt(i);
      if (c == '#') {
        return PathNormalization.reject(PathRejection.FRAGMENT);
      }
      if (!isVisibleAscii(c)) {
        return PathNormalization.reject(PathRejection.INVALID_CHARACTER);
      }
    }

    // One validating pass that also finds out whether anything must be rewritten.
    boolean rewrite = false;
    boolean escapedSlashSeen = false;
    int segmentStart = 0;
    for (int i = 0; i < pathEnd; i++) {
      char c = requestTarget.charAt(i);
      if (c == '%') {
        if (i + 2 >= pathEnd) {
          return PathNormalization.reject(PathRejection.INVALID_PERCENT_ENCODING);
        }
        char h1 = requestTarget.charAt(i + 1);
        char h2 = requestTarget.charAt(i + 2);
        int high = hexValue(h1);
        int low = hexValue(h2);
        if (high < 0 || low < 0) {
          return PathNormalization.reject(PathRejection.INVALID_PERCENT_ENCODING);
        }
        int octet = high << 4 | low;
        boolean lowerHex = isLowerHexLetter(h1) || isLowerHexLetter(h2);
        if (octet == '/' || octet == '\\') {
          switch (escapedSlashes) {
            case REJECT_REQUEST:
              return PathNormalization.reject(PathRejection.ESCAPED_SLASH);
            case KEEP_UNCHANGED:
              rewrite |= normalizePath && lowerHex;
              break;
            default:
              escapedSlashSeen = true;
              rewrite = true;
          }
        } else if (normalizePath && (lowerHex || isUnreserved(octet))) {
          rewrite = true;
        }
        i += 2;
      } else if (c == '/') {
        if (normalizePath && isDotSegment(requestTarget, segmentStart, i)) {
          rewrite = true;
        }
        if (mergeSlashes && i > 0 && requestTarget.charAt(i - 1) == '/') {
          rewrite = true;
        }
        segmentStart = i + 1;
      } else if (c == '#') {
        return PathNormalization.reject(PathRejection.FRAGMENT);
      } else if (c == '\\') {
        return PathNormalization.reject(PathRejection.BACKSLASH);
      } else if (!isVisibleAscii(c)) {
        return PathNormalization.reject(PathRejection.INVALID_CHARACTER);
      }
    }
    if (normalizePath && isDotSegment(requestTarget, segmentStart, pathEnd)) {
      rewrite = true;
    }
    if (!rewrite) {
      return PathNormalization.forward(requestTarget, false);
    }

    char[] buffer = new char[length];
    int n = decode(requestTarget, pathEnd, buffer);
    if (normalizePath) {
      n = removeDotSegments(buffer, n);
    }
    if (mergeSlashes) {
      n = mergeSlashes(buffer, n);
    }
    requestTarget.getChars(pathEnd, length, buffer, n);
    String normalized = new String(buffer, 0, n + length - pathEnd);
    if (escapedSlashSeen && escapedSlashes == EscapedSlashesAction.UNESCAPE_AND_REDIRECT) {
      return PathNormalization.redirect(normalized);
    }
    return PathNormalization.forward(normalized, !normalized.equals(requestTarget));
  }

  /** Copies the (validated) path into {@code out}, rewriting its percent-encodings. */
  private int decode(String target, int pathEnd, char[] out) {
    boolean unescapeSlashes =
        escapedSlashes == EscapedSlashesAction.UNESCAPE_AND_FORWARD
            || escapedSlashes == EscapedSlashesAction.UNESCAPE_AND_REDIRECT;
    int n = 0;
    for (int i = 0; i < pathEnd; i++) {
      char c = target.charAt(i);
      if (c != '%') {
        out[n++] = c;
        continue;
      }
      char h1 = target.charAt(i + 1);
      char h2 = target.charAt(i + 2);
      i += 2;
      int octet = hexValue(h1) << 4 | hexValue(h2);
      if ((octet == '/' || octet == '\\') && unescapeSlashes) {
        out[n++] = '/';
      } else if (normalizePath && isUnreserved(octet)) {
        out[n++] = (char) octet;
      } else {
        out[n++] = '%';
        out[n++] = normalizePath ? toUpper(h1) : h1;
        out[n++] = normalizePath ? toUpper(h2) : h2;
      }
    }
    return n;
  }

  /**
   * RFC 3986 §5.2.4 on an absolute path held in {@code buf[0, n)}, in place; returns the new length.
   * Writing never overtakes reading, since each segment's output is no longer than its input.
   */
  static int removeDotSegments(char[] buf, int n) {
    int write = 0;
    int read = 0;
    while (read < n) {
      // buf[read] is '/'
      int segmentStart = read + 1;
      int segmentEnd = segmentStart;
      while (segmentEnd < n && buf[segmentEnd] != '/') {
        segmentEnd++;
      }
      int segmentLength = segmentEnd - segmentStart;
      boolean last = segmentEnd == n;
      int dots = dotSegment(buf, segmentStart, segmentEnd);
      if (dots == 1) {
        if (last) {
          buf[write++] = '/';
        }
      } else if (dots == 2) {
        while (write > 0 && buf[--write] != '/') {
          // drop the last output segment and the slash before it
        }
        if (last) {
          buf[write++] = '/';
        }
      } else {
        buf[write++] = '/';
        System.arraycopy(buf, segmentStart, buf, write, segmentLength);
        write += segmentLength;
      }
      read = segmentEnd;
    }
    if (write == 0) {
      buf[write++] = '/';
    }
    return write;
  }

  /** Merges runs of slashes in {@code buf[0, n)}, in place; returns the new length. */
  static int mergeSlashes(char[] buf, int n) {
    int write = 0;
    for (int read = 0; read < n; read++) {
      char c = buf[read];
      if (c == '/' && write > 0 && buf[write - 1] == '/') {
        continue;
      }
      buf[write++] = c;
    }
    return write;
  }

  private static boolean isDotSegment(String s, int start, int end) {
    if (end - start < 1 || s.charAt(start) != '.') {
      return false;
    }
    int next = start + 1;
    if (next < end && s.charAt(next) == '.') {
      next++;
    }
    return next == end || s.charAt(next) == ';';
  }

  /**
   * 1 for a {@code .} segment, 2 for {@code ..}, 0 otherwise; a dot segment followed by path
   * parameters ({@code ..;x}) counts as one, as servlet containers read it so.
   */
  private static int dotSegment(char[] buf, int start, int end) {
    if (end - start < 1 || buf[start] != '.') {
      return 0;
    }
    int next = start + 1;
    if (next < end && buf[next] == '.') {
      next++;
    }
    return next == end || buf[next] == ';' ? next - start : 0;
  }

  private static boolean isVisibleAscii(char c) {
    return c > 0x20 && c < 0x7F;
  }

  private static boolean isUnreserved(int c) {
    return c >= 'A' && c <= 'Z'
        || c >= 'a' && c <= 'z'
        || c >= '0' && c <= '9'
        || c == '-'
        || c == '.'
        || c == '_'
        || c == '~';
  }

  private static int hexValue(char c) {
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    if (c >= 'A' && c <= 'F') {
      return c - 'A' + 10;
    }
    if (c >= 'a' && c <= 'f') {
      return c - 'a' + 10;
    }
    return -1;
  }

  private static boolean isLowerHexLetter(char c) {
    return c >= 'a' && c <= 'f';
  }

  private static char toUpper(char hexDigit) {
    return isLowerHexLetter(hexDigit) ? (char) (hexDigit - ('a' - 'A')) : hexDigit;
  }
}
