package dev.bowline.proxy.http2;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http2.HttpConversionUtil.ExtensionHeaderNames;
import java.util.Arrays;
import java.util.List;

/**
 * Removes the headers Netty's HTTP/2 to HTTP/1 translation adds to every message head it decodes
 * ({@code x-http2-stream-id}, {@code x-http2-scheme}, {@code x-http2-path}, ...): they describe one
 * hop and must never be forwarded, neither in a request to an upstream nor in a response to an
 * HTTP/1.1 client. Clients cannot smuggle them in either: their own copies go the same way.
 *
 * <p><b>Threading.</b> Stateless and {@link ChannelHandler.Sharable}: one instance, {@link
 * #INSTANCE}, serves every stream channel.
 */
@ChannelHandler.Sharable
public final class ExtensionHeaderFilter extends ChannelInboundHandlerAdapter {

  /** The one instance. */
  public static final ExtensionHeaderFilter INSTANCE = new ExtensionHeaderFilter();

  /** Pipeline name used by the data path. */
  public static final String NAME = "bowline-h2-extension-header-filter";

  private static final List<String> NAMES =
      Arrays.stream(ExtensionHeaderNames.values()).map(n -> n.text().toString()).toList();

  private ExtensionHeaderFilter() {}

  /** Removes the translation headers from {@code headers}. */
  public static void strip(HttpHeaders headers) {
    for (String name : NAMES) {
      headers.remove(name);
    }
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof HttpMessage message) {
      strip(message.headers());
    }
    ctx.fireChannelRead(msg);
  }
}
