package dev.bowline.proxy.http2;

import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http2.HttpConversionUtil.ExtensionHeaderNames;
import java.util.Arrays;
import java.util.List;

/**
 * The headers Netty's HTTP/2 to HTTP/1 translation adds to a message head ({@code
 * x-http2-stream-id}, {@code x-http2-scheme}, {@code x-http2-path}, ...). They describe one hop and
 * must never be forwarded, neither in a request to an upstream nor in a response to an HTTP/1.1
 * client; a client's own copies go the same way.
 *
 * <p><b>Threading.</b> Stateless.
 */
final class TranslationHeaders {

  private static final List<String> NAMES =
      Arrays.stream(ExtensionHeaderNames.values()).map(n -> n.text().toString()).toList();

  private TranslationHeaders() {}

  /** Removes the translation headers from {@code headers}. */
  static void strip(HttpHeaders headers) {
    for (String name : NAMES) {
      headers.remove(name);
    }
  }
}
