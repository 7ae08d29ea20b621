/**
 * HTTP/2 for the proxy's data path, downstream and upstream, built so that one exchange
 * implementation serves every protocol: each HTTP/2 stream's frames become HTTP/1-shaped messages
 * (a head, contents, a last content carrying trailers) and back. Downstream streams have no channel
 * of their own ({@link dev.bowline.proxy.http2.ServerStream}); upstream streams are Netty's stream
 * channels.
 *
 * <ul>
 *   <li>{@link dev.bowline.proxy.http2.Http2PrefaceSniffer}: {@code codec_type: AUTO} without ALPN
 *       (h2c with prior knowledge, or HTTP/1.1).
 *   <li>{@link dev.bowline.proxy.http2.Http2Downstream}: the hardened server side (stream limit,
 *       windows, header list limit, rapid reset, CONTINUATION and control frame floods).
 *   <li>{@link dev.bowline.proxy.http2.Http2ServerStreams} and {@link
 *       dev.bowline.proxy.http2.ServerStream}: the downstream streams, each handed to the data
 *       path's {@link dev.bowline.proxy.http2.ServerStream.Handler}, with flow control and resets.
 *   <li>{@link dev.bowline.proxy.http2.Http2StreamGuard}: per-stream request checks (path
 *       normalization, header count, authority, CONNECT), which HTTP/1's guard does on its own
 *       connections.
 *   <li>{@link dev.bowline.proxy.http2.Http2Upstream}: the client side for the connection pool.
 *   <li>{@code StreamTranslator}: a stream's frames to the message shape the data path expects and
 *       back, sending bodiless messages (gRPC Trailers-Only) as one HEADERS frame; {@link
 *       dev.bowline.proxy.http2.Http2StreamCodec} runs it on an upstream stream channel.
 *   <li>{@link dev.bowline.proxy.http2.FlushBatching}: one socket write for the frames its
 *       streams flush while the event loop handles one batch of I/O.
 *   <li>{@link dev.bowline.proxy.http2.ConnectionWindow} and {@link
 *       dev.bowline.proxy.http2.StreamReading}: the connection window, and backpressure on channels
 *       (upstream streams included).
 * </ul>
 *
 * <p>This package depends on Netty and on {@code proxy.http.hardening} only; {@code proxy.http} and
 * {@code proxy.upstream} use it.
 */
package dev.bowline.proxy.http2;
