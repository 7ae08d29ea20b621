package dev.bowline.proxy.upstream;

import io.netty.channel.ChannelFuture;
import io.netty.channel.EventLoop;
import java.net.InetSocketAddress;
import java.time.Duration;

/**
 * Opens upstream connections on a given event loop with the proxy's transport; the pipeline is set
 * up by the pool.
 *
 * <p>Thread-safe.
 */
public interface UpstreamConnector {

  /**
   * Starts connecting to {@code address} from {@code loop}.
   *
   * @param initializer sets up the new channel's pipeline before it connects
   */
  ChannelFuture connect(
      EventLoop loop,
      InetSocketAddress address,
      Duration connectTimeout,
      io.netty.channel.ChannelHandler initializer);
}
