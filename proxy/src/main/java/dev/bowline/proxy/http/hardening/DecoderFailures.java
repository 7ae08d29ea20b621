package dev.bowline.proxy.http.hardening;

import io.netty.handler.codec.http.ContentLengthNotAllowedException;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.handler.codec.http.TransferEncodingNotAllowedException;

/**
 * Maps a failed {@link io.netty.handler.codec.DecoderResult} to the violation to answer. The cause
 * decides where it is specific; otherwise the headers decoded before the failure are looked at
 * (Netty keeps them on the failed request), so that, as in Envoy, Content-Length with
 * Transfer-Encoding is a 400 and an unknown transfer coding a 501.
 *
 * <p>Stateless.
 */
final class DecoderFailures {

  private DecoderFailures() {}

  static Http1Violation classify(HttpObject failed, Throwable cause) {
    if (cause instanceof TooLongHttpLineException) {
      return Http1Violation.REQUEST_LINE_TOO_LONG;
    }
    if (cause instanceof TooLongHttpHeaderException) {
      return Http1Violation.HEADERS_TOO_LARGE;
    }
    if (cause instanceof ObsFoldException) {
      return Http1Violation.OBS_FOLD;
    }
    if (cause instanceof PipelineDepthExceededException) {
      return Http1Violation.TOO_MANY_PIPELINED_REQUESTS;
    }
    if (cause instanceof MultipleContentLengthsException) {
      return Http1Violation.INVALID_CONTENT_LENGTH;
    }
    if (cause instanceof ContentLengthNotAllowedException) {
      return Http1Violation.CONTENT_LENGTH_WITH_TRANSFER_ENCODING;
    }
    if (failed instanceof HttpRequest request) {
      if (request.protocolVersion().majorVersion() != 1) {
        return Http1Violation.UNSUPPORTED_VERSION;
      }
      HttpHeaders headers = request.headers();
      boolean transferEncoding = headers.contains(HttpHeaderNames.TRANSFER_ENCODING);
      boolean contentLength = headers.contains(HttpHeaderNames.CONTENT_LENGTH);
      if (transferEncoding && contentLength) {
        return Http1Violation.CONTENT_LENGTH_WITH_TRANSFER_ENCODING;
      }
      if (cause instanceof TransferEncodingNotAllowedException) {
        return Http1Violation.TRANSFER_ENCODING_NOT_ALLOWED;
      }
      if (transferEncoding && !TransferCoding.isExactlyChunked(headers)) {
        return Http1Violation.UNSUPPORTED_TRANSFER_ENCODING;
      }
      if (contentLength && !TransferCoding.isSingleValidContentLength(headers)) {
        return Http1Violation.INVALID_CONTENT_LENGTH;
      }
    }
    return Http1Violation.MALFORMED;
  }
}
