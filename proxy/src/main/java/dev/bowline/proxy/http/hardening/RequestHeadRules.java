package dev.bowline.proxy.http.hardening;

import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMessageDecoderResult;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import java.util.Iterator;

/**
 * The checks on a successfully decoded request head that do not concern its target, in the order
 * Envoy applies them: version, size and count limits, framing, method, Host.
 *
 * <p>Immutable; shared by the guards of one configuration.
 */
final class RequestHeadRules {

  private final int maxHeaderBytes;
  private final int maxHeadersCount;

  /**
   * @param maxHeaderBytes the most bytes request line plus header block may take (Envoy counts the
   *     URL against {@code max_request_headers_kb} too)
   * @param maxHeadersCount the most header fields
   */
  RequestHeadRules(int maxHeaderBytes, int maxHeadersCount) {
    this.maxHeaderBytes = maxHeaderBytes;
    this.maxHeadersCount = maxHeadersCount;
  }

  /** The first rule {@code request} breaks, or {@code null}. */
  Http1Violation check(HttpRequest request) {
    HttpVersion version = request.protocolVersion();
    if (version != HttpVersion.HTTP_1_1 && version != HttpVersion.HTTP_1_0) {
      // Netty makes the shared constants only from the exact, case-sensitive text; "http/1.1"
      // parses to a lookalike, which RFC 9112 §2.3 makes invalid.
      boolean lookalike = version.majorVersion() == 1 && version.minorVersion() <= 1;
      return lookalike ? Http1Violation.MALFORMED : Http1Violation.UNSUPPORTED_VERSION;
    }
    DecoderResult result = request.decoderResult();
    if (result instanceof HttpMessageDecoderResult sizes && sizes.totalSize() > maxHeaderBytes) {
      return Http1Violation.HEADERS_TOO_LARGE;
    }
    HttpHeaders headers = request.headers();
    if (headers.size() > maxHeadersCount) {
      return Http1Violation.TOO_MANY_HEADERS;
    }
    boolean transferEncoding = headers.contains(HttpHeaderNames.TRANSFER_ENCODING);
    boolean contentLength = headers.contains(HttpHeaderNames.CONTENT_LENGTH);
    if (transferEncoding && contentLength) {
      return Http1Violation.CONTENT_LENGTH_WITH_TRANSFER_ENCODING;
    }
    if (contentLength && !TransferCoding.isSingleValidContentLength(headers)) {
      return Http1Violation.INVALID_CONTENT_LENGTH;
    }
    if (transferEncoding) {
      if (version == HttpVersion.HTTP_1_0) {
        return Http1Violation.TRANSFER_ENCODING_NOT_ALLOWED;
      }
      if (!TransferCoding.isExactlyChunked(headers)) {
        return Http1Violation.UNSUPPORTED_TRANSFER_ENCODING;
      }
    }
    if (HttpMethod.CONNECT.equals(request.method())) {
      return Http1Violation.CONNECT_NOT_SUPPORTED;
    }
    int hosts = countUpToTwo(headers.valueStringIterator(HttpHeaderNames.HOST));
    if (hosts > 1) {
      return Http1Violation.MULTIPLE_HOST;
    }
    if (hosts == 0 && version == HttpVersion.HTTP_1_1) {
      return Http1Violation.MISSING_HOST;
    }
    return null;
  }

  private static int countUpToTwo(Iterator<String> values) {
    int count = 0;
    while (count < 2 && values.hasNext()) {
      values.next();
      count++;
    }
    return count;
  }
}
