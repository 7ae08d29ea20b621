package dev.bowline.proxy.http2;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Envoy's {@code codec_type: AUTO} on a connection without ALPN: looks at the first bytes and
 * decides between HTTP/2 with prior knowledge (they are the client connection preface {@code PRI *
 * HTTP/2.0\r\n\r\nSM\r\n\r\n}) and HTTP/1.1 (anything else, decided at the first byte that differs).
 *
 * <p>On a decision it calls the matching installer, which appends the protocol's handlers to the
 * pipeline, then removes itself; the bytes it looked at are not consumed but handed, unchanged, to
 * the handlers just installed (the HTTP/2 codec reads the preface itself).
 *
 * <p><b>Threading.</b> One instance per connection (not sharable), on the connection's event loop.
 */
public final class Http2PrefaceSniffer extends ByteToMessageDecoder {

  /** Pipeline name under which the data path installs the sniffer. */
  public static final String NAME = "bowline-h2-preface-sniffer";

  private static final byte[] PREFACE =
      "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

  private final Consumer<ChannelPipeline> http2;
  private final Consumer<ChannelPipeline> http1;
  private boolean decided;

  /**
   * @param http2 appends the HTTP/2 handlers (called when the preface arrived whole)
   * @param http1 appends the HTTP/1.1 handlers (called at the first byte that is not the preface's)
   */
  public Http2PrefaceSniffer(Consumer<ChannelPipeline> http2, Consumer<ChannelPipeline> http1) {
    this.http2 = Objects.requireNonNull(http2, "http2");
    this.http1 = Objects.requireNonNull(http1, "http1");
  }

  /** Whether {@code bytes} (from its reader index on) could still be, or are, the preface. */
  static Match match(ByteBuf bytes) {
    int n = Math.min(bytes.readableBytes(), PREFACE.length);
    int start = bytes.readerIndex();
    for (int i = 0; i < n; i++) {
      if (bytes.getByte(start + i) != PREFACE[i]) {
        return Match.NO;
      }
    }
    return n == PREFACE.length ? Match.YES : Match.MAYBE;
  }

  /** The sniffing outcome so far. */
  enum Match {
    YES,
    NO,
    MAYBE
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    if (decided) {
      return;
    }
    Match match = match(in);
    if (match == Match.MAYBE) {
      return;
    }
    decided = true;
    ChannelPipeline pipeline = ctx.pipeline();
    if (match == Match.YES) {
      http2.accept(pipeline);
    } else {
      http1.accept(pipeline);
    }
    // Removal hands the bytes read so far (left unconsumed) to the handlers just added.
    pipeline.remove(this);
  }
}
