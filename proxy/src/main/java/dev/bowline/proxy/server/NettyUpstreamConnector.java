package dev.bowline.proxy.server;

import dev.bowline.proxy.upstream.UpstreamConnector;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.WriteBufferWaterMark;
import java.net.InetSocketAddress;
import java.time.Duration;

/**
 * Opens upstream connections with the proxy's transport, on the event loop the request runs on.
 *
 * <p>Thread-safe: each call builds its own {@link Bootstrap} from a shared template.
 */
final class NettyUpstreamConnector implements UpstreamConnector {

  private final Bootstrap template;

  NettyUpstreamConnector(Transport transport, int bufferLimitBytes) {
    this.template =
        new Bootstrap()
            .channel(transport.clientChannel())
            .option(ChannelOption.TCP_NODELAY, true)
            .option(ChannelOption.SO_KEEPALIVE, true)
            .option(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
            .option(
                ChannelOption.WRITE_BUFFER_WATER_MARK,
                new WriteBufferWaterMark(bufferLimitBytes / 2, bufferLimitBytes));
  }

  @Override
  public ChannelFuture connect(
      EventLoop loop, InetSocketAddress address, Duration connectTimeout, ChannelHandler initializer) {
    return template
        .clone(loop)
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, connectTimeout.toMillis()))
        .handler(initializer)
        .connect(address);
  }
}
