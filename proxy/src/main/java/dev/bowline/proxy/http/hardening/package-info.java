/**
 * HTTP/1 request hardening, on by default with Envoy's edge values: everything a downstream
 * HTTP/1.x request must pass before any of it is routed or forwarded.
 *
 * <p>The data path installs {@link dev.bowline.proxy.http.hardening.Http1Hardening}'s codec and
 * guard at the front of an HTTP/1 connection and receives only vetted requests ({@link
 * dev.bowline.proxy.http.hardening.GuardedHttpRequest} with a normalized target); refused
 * requests are answered and the connection closed by the guard. {@link
 * dev.bowline.proxy.http.hardening.PathNormalizer} is also usable alone (HTTP/2 streams).
 *
 * <p>Decisions where Envoy's behaviour needed interpretation (see each class for details):
 *
 * <ul>
 *   <li>Content-Length with Transfer-Encoding: 400 and close, never "drop Content-Length"
 *       (Netty's RFC 7230 mode); enforced in the decoder whatever Netty's settings.
 *   <li>Several Content-Length fields, even equal ones, and lists ({@code 4, 4}): 400 (RFC 9110
 *       allows either rejecting or merging; a proxy should not guess).
 *   <li>Transfer-Encoding other than exactly {@code chunked}: 501, as Envoy; on HTTP/1.0: 400.
 *   <li>Header budget: request line and header block together against {@code
 *       max_request_headers_kb} (Envoy counts the URL), 431; a request line alone over the budget:
 *       414; more than {@code max_headers_count} fields: 431.
 *   <li>obs-fold: 400 (Envoy rejects it; Netty would join the lines).
 *   <li>Versions other than HTTP/1.0 and 1.1: 505; a lower-case or otherwise malformed version:
 *       400. HTTP/1.0 is accepted (Envoy needs {@code accept_http_10}); without Host it is passed
 *       on without one.
 *   <li>Host: required on HTTP/1.1, at most one, a plain {@code host[:port]} (no userinfo,
 *       non-empty). Absolute-form targets replace Host with their authority (RFC 9112 §3.2.2, as
 *       Envoy); an {@code https} target on plaintext is 400 (as Envoy).
 *   <li>CONNECT: 403 (tunnelling is not supported; Envoy's answer when it is not configured).
 *   <li>Paths: raw backslash rejected; {@code %5C} unescaped to {@code /}; {@code ..;x} counts as
 *       {@code ..}; raw non-ASCII rejected; the query is validated but never rewritten.
 *   <li>{@code UNESCAPE_AND_REDIRECT}: the guard answers 307 itself and closes the connection.
 *   <li>No {@code x-envoy-original-path} for normalization (Envoy sets it only for route
 *       rewrites); the original target is on {@code GuardedHttpRequest.originalUri()}.
 *   <li>Local replies: {@code Content-Length: 0}, {@code Connection: close}, written in order
 *       after responses owed to earlier pipelined requests, then half-close and up to 1 s of
 *       draining (Envoy's {@code delayed_close_timeout}).
 * </ul>
 */
package dev.bowline.proxy.http.hardening;
