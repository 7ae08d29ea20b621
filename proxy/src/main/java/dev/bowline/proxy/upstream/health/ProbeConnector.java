package dev.bowline.proxy.upstream.health;

import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.EventLoop;
import java.net.InetSocketAddress;

/**
 * Opens health-check connections with the proxy's transport, on a given event loop, with the
 * cluster's connect timeout.
 *
 * <p>Thread-safe.
 */
@FunctionalInterface
public interface ProbeConnector {

  /**
   * Starts connecting to {@code address} from {@code loop}.
   *
   * @param initializer sets up the new channel's pipeline before it connects
   */
  ChannelFuture connect(EventLoop loop, InetSocketAddress address, ChannelHandler initializer);
}
