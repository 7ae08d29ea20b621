package dev.bowline.proxy.http.hardening;

import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * A reason {@link Http1RequestGuard} refuses an HTTP/1 request, with the status it answers and a
 * short, stable {@link #details()} string for access logs and stats (Envoy's response code details
 * where Envoy has one). Every violation is answered with {@code Connection: close} and the
 * connection is closed: after a framing error nothing that follows on the connection can be
 * trusted.
 */
public enum Http1Violation {
  /** Anything the decoder could not parse: bad request line, header syntax, chunk syntax, bare LF. */
  MALFORMED(HttpResponseStatus.BAD_REQUEST, "http1.codec_error"),
  /** The request line is longer than the header budget. */
  REQUEST_LINE_TOO_LONG(HttpResponseStatus.REQUEST_URI_TOO_LONG, "http1.request_line_too_long"),
  /** Request line plus header block is larger than {@code max_request_headers_kb}. */
  HEADERS_TOO_LARGE(HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, "http1.headers_too_large"),
  /** More header fields than {@code max_headers_count}. */
  TOO_MANY_HEADERS(HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, "http1.too_many_headers"),
  /** A header value continued on the next line (obs-fold, RFC 9112 §5.2). */
  OBS_FOLD(HttpResponseStatus.BAD_REQUEST, "http1.obs_fold"),
  /** Content-Length together with Transfer-Encoding: the request-smuggling shape. */
  CONTENT_LENGTH_WITH_TRANSFER_ENCODING(
      HttpResponseStatus.BAD_REQUEST, "http1.content_length_and_chunked_not_allowed"),
  /** Several Content-Length fields or values, or a value that is not a decimal number. */
  INVALID_CONTENT_LENGTH(HttpResponseStatus.BAD_REQUEST, "http1.invalid_content_length"),
  /** A Transfer-Encoding other than exactly {@code chunked} (Envoy answers 501 too). */
  UNSUPPORTED_TRANSFER_ENCODING(
      HttpResponseStatus.NOT_IMPLEMENTED, "http1.invalid_transfer_encoding"),
  /** Transfer-Encoding on an HTTP/1.0 request (RFC 9112 §6.1: the framing is faulty). */
  TRANSFER_ENCODING_NOT_ALLOWED(
      HttpResponseStatus.BAD_REQUEST, "http1.transfer_encoding_not_allowed"),
  /** A version other than HTTP/1.0 and HTTP/1.1. */
  UNSUPPORTED_VERSION(
      HttpResponseStatus.HTTP_VERSION_NOT_SUPPORTED, "http1.unsupported_version"),
  /** An HTTP/1.1 request without Host (RFC 9112 §3.2). */
  MISSING_HOST(HttpResponseStatus.BAD_REQUEST, "missing_host_header"),
  /** More than one Host field (RFC 9112 §3.2). */
  MULTIPLE_HOST(HttpResponseStatus.BAD_REQUEST, "http1.multiple_host_headers"),
  /** A Host (or absolute-form authority) that is empty or not a valid {@code host[:port]}. */
  INVALID_HOST(HttpResponseStatus.BAD_REQUEST, "http1.invalid_authority"),
  /** An absolute-form target that cannot be parsed, or whose scheme is not http or https. */
  INVALID_URL(HttpResponseStatus.BAD_REQUEST, "http1.invalid_url"),
  /** An {@code https://} absolute-form target on a plaintext connection (as Envoy). */
  HTTPS_URL_ON_PLAINTEXT(
      HttpResponseStatus.BAD_REQUEST, "http1.https_url_on_plaintext_connection"),
  /** {@code CONNECT}: tunnelling is not supported (Envoy answers 403 unless it is configured). */
  CONNECT_NOT_SUPPORTED(HttpResponseStatus.FORBIDDEN, "http1.connect_not_supported"),
  /** The request-target failed {@link PathNormalizer}'s checks. */
  INVALID_PATH(HttpResponseStatus.BAD_REQUEST, "path_normalization_failed"),
  /** More requests pipelined ahead of their responses than the codec tracks. */
  TOO_MANY_PIPELINED_REQUESTS(
      HttpResponseStatus.SERVICE_UNAVAILABLE, "http1.too_many_pipelined_requests");

  private final HttpResponseStatus status;
  private final String details;

  Http1Violation(HttpResponseStatus status, String details) {
    this.status = status;
    this.details = details;
  }

  /** The status of the local reply. */
  public HttpResponseStatus status() {
    return status;
  }

  /** A short, stable identifier for access logs and stats. */
  public String details() {
    return details;
  }
}
