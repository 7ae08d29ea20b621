package dev.bowline.proxy.http2;

import dev.bowline.proxy.config.HttpConnectionManagerConfig;
import dev.bowline.proxy.http.hardening.PathNormalizer;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http2.DefaultHttp2Connection;
import io.netty.handler.codec.http2.DefaultHttp2RemoteFlowController;
import io.netty.handler.codec.http2.Http2Connection;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2Stream;
import io.netty.handler.codec.http2.UniformStreamByteDistributor;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Function;

/**
 * The downstream HTTP/2 front of a connection (h2 after ALPN, or h2c with prior knowledge),
 * hardened with Envoy's edge values, that turns every stream into one HTTP/1-shaped exchange for
 * the data path.
 *
 * <p><b>Connection pipeline</b> (added by {@link #addTo}): {@link FlushBatching} (the streams'
 * flushes gathered into one socket write), {@link Http2FrameCodec} ({@value #FRAME_CODEC}), {@link
 * Http2ServerStreams} and, until it has acted, {@link ConnectionWindow}. The caller appends its own
 * connection-level handler after them; it receives the connection frames (SETTINGS, PING, GOAWAY:
 * release them) and may close the channel for a graceful shutdown (GOAWAY, then close once the
 * streams in flight have ended or {@code drain_timeout} has passed).
 *
 * <p><b>Streams</b> have no channel: each is a {@link ServerStream}, translated and vetted ({@link
 * Http2StreamGuard}), whose handler the caller supplies; it sees a request head and its contents as
 * on HTTP/1.1 and writes its response the same way; trailers travel as {@code
 * LastHttpContent.trailingHeaders()}. Closing the stream ends it (with RST_STREAM if it is still
 * open).
 *
 * <p><b>Hardening.</b>
 *
 * <ul>
 *   <li>SETTINGS_MAX_CONCURRENT_STREAMS from {@code max_concurrent_streams} (edge: 100), enforced at
 *       once (streams beyond it are refused with RST_STREAM REFUSED_STREAM, without waiting for the
 *       SETTINGS acknowledgement).
 *   <li>Flow control: SETTINGS_INITIAL_WINDOW_SIZE from {@code initial_stream_window_size} (edge: 64
 *       KiB); the connection window raised to {@code initial_connection_window_size} (edge: 1 MiB).
 *       Windows are only replenished as the data path consumes, so a paused stream buffers at most
 *       its window.
 *   <li>SETTINGS_MAX_HEADER_LIST_SIZE from {@code max_request_headers_kb}; a larger header block is
 *       refused on its stream with 431, and one beyond 1.25 times the limit closes the connection
 *       (GOAWAY) while it is still being received.
 *   <li>Rapid reset (CVE-2023-44487): more than {@value #MAX_RST_FRAMES_PER_WINDOW} RST_STREAM
 *       frames received in {@value #RST_WINDOW_SECONDS} s: GOAWAY ENHANCE_YOUR_CALM and close.
 *   <li>CONTINUATION flood (VU#421644): a header block is bounded by the header list limit above,
 *       and more than {@value #MAX_SMALL_CONTINUATION_FRAMES} consecutive small CONTINUATION frames
 *       (under 8 KiB, without END_HEADERS) close the connection with GOAWAY ENHANCE_YOUR_CALM.
 *   <li>Empty DATA frame flood: more than {@value #MAX_CONSECUTIVE_EMPTY_DATA_FRAMES} consecutive
 *       empty DATA frames without END_STREAM close the connection.
 *   <li>Control frame flood (PING, SETTINGS): at most {@value #MAX_QUEUED_CONTROL_FRAMES} control
 *       frames (acknowledgements) may wait to be written before the connection is closed.
 *   <li>Header names and values are validated; per-stream request checks are {@link
 *       Http2StreamGuard}'s.
 * </ul>
 *
 * <p><b>Threading.</b> Immutable and thread-safe: build one per configuration and share it; {@link
 * #addTo} makes fresh handlers for each connection.
 */
public final class Http2Downstream {

  /** Pipeline name of the HTTP/2 frame codec. */
  public static final String FRAME_CODEC = "bowline-h2-codec";

  /** RST_STREAM frames a client may send per window before the connection is closed. */
  public static final int MAX_RST_FRAMES_PER_WINDOW = 200;

  /** The rapid-reset window, in seconds. */
  public static final int RST_WINDOW_SECONDS = 30;

  /** Consecutive small CONTINUATION frames allowed in one header block. */
  public static final int MAX_SMALL_CONTINUATION_FRAMES = 16;

  /** Consecutive empty DATA frames (without END_STREAM) allowed. */
  public static final int MAX_CONSECUTIVE_EMPTY_DATA_FRAMES = 2;

  /** Control frames allowed to queue for writing. */
  public static final int MAX_QUEUED_CONTROL_FRAMES = 10_000;

  private final HttpConnectionManagerConfig.Http2Settings limits;
  private final long maxHeaderListBytes;
  private final Http2StreamGuard guard;
  private final long gracefulShutdownMillis;

  /**
   * @param limits the stream and window limits
   * @param maxRequestHeadersKb the header list limit in KiB
   * @param maxHeadersCount the most header fields a request may carry
   * @param normalizer the path normalizer applied to every stream's {@code :path}
   * @param drainTimeout how long a graceful shutdown waits for streams in flight
   */
  public Http2Downstream(
      HttpConnectionManagerConfig.Http2Settings limits,
      int maxRequestHeadersKb,
      int maxHeadersCount,
      PathNormalizer normalizer,
      Duration drainTimeout) {
    this.limits = Objects.requireNonNull(limits, "limits");
    this.maxHeaderListBytes = maxRequestHeadersKb * 1024L;
    this.guard = new Http2StreamGuard(normalizer, maxHeadersCount);
    this.gracefulShutdownMillis = Math.max(0, drainTimeout.toMillis());
  }

  /**
   * Netty's frame codec on a server connection whose streams share the send window evenly ({@link
   * UniformStreamByteDistributor}) instead of by the priority tree of the default distributor:
   * RFC 9113 deprecates HTTP/2 priorities, Envoy does not honor them either, and keeping the tree
   * up to date cost about 4% of the event loop under many small streams (h2load +3%).
   */
  private static final class EvenlySharedWindowCodec extends Http2FrameCodecBuilder {
    EvenlySharedWindowCodec() {
      DefaultHttp2Connection connection = new DefaultHttp2Connection(true);
      connection
          .remote()
          .flowController(
              new DefaultHttp2RemoteFlowController(
                  connection, new UniformStreamByteDistributor(connection)));
      connection(connection);
    }
  }

  /** The HTTP/2 front a connection manager asks for. */
  public static Http2Downstream from(HttpConnectionManagerConfig config) {
    return new Http2Downstream(
        config.http2(),
        config.maxRequestHeadersKb(),
        config.maxHeadersCount(),
        PathNormalizer.from(config),
        config.drainTimeout());
  }

  /** The SETTINGS this front announces. */
  public Http2Settings settings() {
    return new Http2Settings()
        .maxConcurrentStreams(limits.maxConcurrentStreams())
        .initialWindowSize(limits.initialStreamWindowSize())
        .maxHeaderListSize(maxHeaderListBytes);
  }

  /**
   * Appends the HTTP/2 connection handlers to {@code pipeline}.
   *
   * @param streamHandlers makes the data path's handler for each new stream
   */
  public void addTo(
      ChannelPipeline pipeline, Function<ServerStream, ServerStream.Handler> streamHandlers) {
    Objects.requireNonNull(streamHandlers, "streamHandlers");
    Http2FrameCodec codec =
        new EvenlySharedWindowCodec()
            .initialSettings(settings())
            .validateHeaders(true)
            .gracefulShutdownTimeoutMillis(gracefulShutdownMillis)
            .decoderEnforceMaxRstFramesPerWindow(MAX_RST_FRAMES_PER_WINDOW, RST_WINDOW_SECONDS)
            .decoderEnforceMaxSmallContinuationFrames(MAX_SMALL_CONTINUATION_FRAMES)
            .decoderEnforceMaxConsecutiveEmptyDataFrames(MAX_CONSECUTIVE_EMPTY_DATA_FRAMES)
            .encoderEnforceMaxQueuedControlFrames(MAX_QUEUED_CONTROL_FRAMES)
            .build();
    pipeline.addLast(FlushBatching.NAME, FlushBatching.newHandler());
    pipeline.addLast(FRAME_CODEC, codec);
    Http2Connection connection = codec.connection();
    pipeline.addLast(
        Http2ServerStreams.NAME,
        new Http2ServerStreams(
            streamHandlers,
            guard,
            stream -> {
              Http2Stream s = connection.stream(stream.id());
              return s != null && connection.remote().flowController().isWritable(s);
            }));
    pipeline.addLast(ConnectionWindow.NAME, new ConnectionWindow(codec, limits.initialConnectionWindowSize()));
  }
}
