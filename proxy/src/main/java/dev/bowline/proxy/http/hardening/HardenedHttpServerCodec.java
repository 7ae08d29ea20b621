package dev.bowline.proxy.http.hardening;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.CombinedChannelDuplexHandler;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerUpgradeHandler;

/**
 * The downstream HTTP/1 server codec: a drop-in for Netty's {@link HttpServerCodec} whose decoder
 * never forwards a Content-Length + Transfer-Encoding request, reports obs-fold, and bounds
 * pipelining (see {@link HardenedRequestDecoder}); the encoder pairs responses with request
 * methods like {@code HttpServerCodec}. Always install it together with an {@link
 * Http1RequestGuard} right after it, which turns every decoder failure into a local reply; {@link
 * Http1Hardening} builds both from the configuration.
 *
 * <p>Supports HTTP/1.1 upgrades ({@link HttpServerUpgradeHandler.SourceCodec}).
 *
 * <p>Not sharable: one instance per channel, used on that channel's event loop.
 */
public final class HardenedHttpServerCodec
    extends CombinedChannelDuplexHandler<HttpRequestDecoder, PairedResponseEncoder>
    implements HttpServerUpgradeHandler.SourceCodec {

  /**
   * @param config the decoder settings (limits, strictness); see {@link
   *     Http1Hardening#decoderConfig()}
   * @param maxPipelineDepth how many requests may wait for their responses at once
   */
  public HardenedHttpServerCodec(HttpDecoderConfig config, int maxPipelineDepth) {
    MethodQueue methods = new MethodQueue(maxPipelineDepth);
    init(
        new HardenedRequestDecoder(config, methods, maxPipelineDepth),
        new PairedResponseEncoder(methods));
  }

  @Override
  public void upgradeFrom(ChannelHandlerContext ctx) {
    ctx.pipeline().remove(this);
  }
}
