/**
 * HTTP/2 for the proxy's data path, downstream and upstream, built so that one exchange
 * implementation serves every protocol: each HTTP/2 stream is a channel whose pipeline turns frames
 * into HTTP/1-shaped messages (a head, contents, a last content carrying trailers) and back.
 *
 * <ul>
 *   <li>{@link dev.bowline.proxy.http2.Http2PrefaceSniffer}: {@code codec_type: AUTO} without ALPN
 *       (h2c with prior knowledge, or HTTP/1.1).
 *   <li>{@link dev.bowline.proxy.http2.Http2Downstream}: the hardened server side (stream limit,
 *       windows, header list limit, rapid reset, CONTINUATION and control frame floods) and the
 *       per-stream pipeline, ending in the data path's handler.
 *   <li>{@link dev.bowline.proxy.http2.Http2StreamGuard}: per-stream request checks (path
 *       normalization, header count, authority, CONNECT), which HTTP/1's guard does on its own
 *       connections.
 *   <li>{@link dev.bowline.proxy.http2.Http2Upstream}: the client side for the connection pool.
 *   <li>{@link dev.bowline.proxy.http2.Http2StreamCodec}: a stream's frames to the message shape the
 *       data path expects and back, sending bodiless messages (gRPC Trailers-Only) as one HEADERS
 *       frame.
 *   <li>{@link dev.bowline.proxy.http2.FlushBatching}: one socket write for the frames its
 *       streams flush while the event loop handles one batch of I/O.
 *   <li>{@link dev.bowline.proxy.http2.ConnectionWindow} and {@link
 *       dev.bowline.proxy.http2.StreamReading}: the connection window, and backpressure on streams.
 * </ul>
 *
 * <p>This package depends on Netty and on {@code proxy.http.hardening} only; {@code proxy.http} and
 * {@code proxy.upstream} use it.
 */
package dev.bowline.proxy.http2;
