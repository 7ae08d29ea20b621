package dev.bowline.proxy.http.hardening;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.List;

/**
 * Request framing rules on Content-Length and Transfer-Encoding that Netty's decoder does not
 * enforce itself (or enforces only for HTTP/1.1).
 *
 * <p>Stateless.
 */
final class TransferCoding {

  private TransferCoding() {}

  /**
   * Whether Transfer-Encoding is one field whose value is exactly {@code chunked} (ignoring case
   * and surrounding whitespace). Envoy accepts nothing else and answers 501 to any other coding,
   * including {@code gzip, chunked}: the proxy would have to understand the coding to forward it.
   */
  static boolean isExactlyChunked(HttpHeaders headers) {
    List<String> values = headers.getAll(HttpHeaderNames.TRANSFER_ENCODING);
    return values.size() == 1
        && HttpHeaderValues.CHUNKED.contentEqualsIgnoreCase(values.get(0).trim());
  }

  /**
   * Whether Content-Length is one field holding one decimal number. Netty rejects duplicates only
   * for HTTP/1.1; for HTTP/1.0 it silently uses the first field, so two differing lengths could
   * reach an upstream that reads the other one.
   */
  static boolean isSingleValidContentLength(HttpHeaders headers) {
    List<String> values = headers.getAll(HttpHeaderNames.CONTENT_LENGTH);
    if (values.size() != 1) {
      return false;
    }
    String value = values.get(0).trim();
    if (value.isEmpty() || value.length() > 18) {
      return false;
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
    }
    return true;
  }
}
