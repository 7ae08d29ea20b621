package dev.bowline.proxy.http.hardening;

import dev.bowline.proxy.config.HttpConnectionManagerConfig;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.HttpDecoderConfig;
import java.util.Objects;

/**
 * Builds the downstream HTTP/1 front of a connection from the connection manager's settings: a
 * {@link HardenedHttpServerCodec} followed by an {@link Http1RequestGuard}. The data path adds them
 * with {@link #addTo(ChannelPipeline)} (or {@link #addAfter}) and then its own handler after them,
 * which receives only vetted requests: a {@link GuardedHttpRequest} whose {@code uri()} is the
 * normalized target to route on and forward, then its {@code HttpContent}s.
 *
 * <pre>{@code
 * Http1Hardening hardening = Http1Hardening.from(hcmConfig);   // once per config version
 * ...
 * hardening.addTo(channel.pipeline());                          // per connection
 * channel.pipeline().addLast(new Http1ServerConnection(...));
 * }</pre>
 *
 * <p>Decoder settings ({@link #decoderConfig()}): request line and header block each capped at
 * {@code max_request_headers_kb} (the guard then caps their sum, as Envoy counts the URL in the
 * header budget); strict CRLF line parsing; RFC 9112 Transfer-Encoding handling (Content-Length
 * with Transfer-Encoding rejected, never stripped); duplicate Content-Length rejected; header names
 * and values validated; body chunks of up to {@value #MAX_CHUNK_SIZE} bytes passed on as they
 * arrive, never aggregated.
 *
 * <p><b>Threading.</b> Immutable and thread-safe: build one per configuration and share it; every
 * call to {@link #newCodec()} / {@link #newGuard()} makes fresh per-channel handlers.
 */
public final class Http1Hardening {

  /** Pipeline name of the codec added by {@link #addTo}. */
  public static final String CODEC_NAME = "bowline-http1-codec";

  /** Pipeline name of the guard added by {@link #addTo}. */
  public static final String GUARD_NAME = "bowline-http1-guard";

  /** How many requests a client may pipeline ahead of their responses (as Netty's codec). */
  public static final int MAX_PIPELINE_DEPTH = 128;

  /** The largest body piece passed on at once; larger reads are split, never buffered. */
  public static final int MAX_CHUNK_SIZE = 65_536;

  private final int maxRequestHeaderBytes;
  private final int maxHeadersCount;
  private final PathNormalizer normalizer;
  private final RequestHeadRules rules;

  /**
   * @param maxRequestHeadersKb the header budget in KiB (request line plus header block), 1 to 8192
   * @param maxHeadersCount the most header fields a request may carry, at least 1
   * @param normalizer the path normalizer
   * @throws IllegalArgumentException when a limit is out of range
   */
  public Http1Hardening(int maxRequestHeadersKb, int maxHeadersCount, PathNormalizer normalizer) {
    if (maxRequestHeadersKb < 1 || maxRequestHeadersKb > 8192) {
      throw new IllegalArgumentException(
          "maxRequestHeadersKb must be between 1 and 8192: " + maxRequestHeadersKb);
    }
    if (maxHeadersCount < 1) {
      throw new IllegalArgumentException("maxHeadersCount must be at least 1: " + maxHeadersCount);
    }
    this.maxRequestHeaderBytes = maxRequestHeadersKb * 1024;
    this.maxHeadersCount = maxHeadersCount;
    this.normalizer = Objects.requireNonNull(normalizer, "normalizer");
    this.rules = new RequestHeadRules(maxRequestHeaderBytes, maxHeadersCount);
  }

  /** The hardening an HTTP connection manager asks for. */
  public static Http1Hardening from(HttpConnectionManagerConfig config) {
    return new Http1Hardening(
        config.maxRequestHeadersKb(), config.maxHeadersCount(), PathNormalizer.from(config));
  }

  /** A fresh decoder configuration (the object is mutable, hence a new one per call). */
  public HttpDecoderConfig decoderConfig() {
    return new HttpDecoderConfig()
        .setMaxInitialLineLength(maxRequestHeaderBytes)
        .setMaxHeaderSize(maxRequestHeaderBytes)
        .setMaxChunkSize(MAX_CHUNK_SIZE)
        .setChunkedSupported(true)
        .setAllowPartialChunks(true)
        .setAllowDuplicateContentLengths(false)
        .setStrictLineParsing(true)
        .setUseRfc9112TransferEncoding(true)
        .setHeadersFactory(DefaultHttpHeadersFactory.headersFactory())
        .setTrailersFactory(DefaultHttpHeadersFactory.trailersFactory());
  }

  /** A new codec for one channel. */
  public HardenedHttpServerCodec newCodec() {
    return new HardenedHttpServerCodec(decoderConfig(), MAX_PIPELINE_DEPTH);
  }

  /** A new guard for one channel. */
  public Http1RequestGuard newGuard() {
    return new Http1RequestGuard(rules, normalizer);
  }

  /** Adds a new codec and guard at the end of {@code pipeline}, named {@link #CODEC_NAME} and {@link #GUARD_NAME}. */
  public void addTo(ChannelPipeline pipeline) {
    pipeline.addLast(CODEC_NAME, newCodec());
    pipeline.addLast(GUARD_NAME, newGuard());
  }

  /** Adds a new codec and guard right after the handler named {@code baseName}. */
  public void addAfter(ChannelPipeline pipeline, String baseName) {
    pipeline.addAfter(baseName, CODEC_NAME, newCodec());
    pipeline.addAfter(CODEC_NAME, GUARD_NAME, newGuard());
  }

  /** The path normalizer, also for HTTP/2 streams, which do not pass through this codec. */
  public PathNormalizer pathNormalizer() {
    return normalizer;
  }

  /** The header budget in bytes (request line plus header block). */
  public int maxRequestHeaderBytes() {
    return maxRequestHeaderBytes;
  }

  /** The most header fields a request may carry. */
  public int maxHeadersCount() {
    return maxHeadersCount;
  }
}
