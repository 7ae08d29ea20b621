package dev.bowline.proxy.server;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;

/**
 * The socket transport: Linux's native epoll where it loads (its handler wrapped by {@link
 * EpollRegistrationKeeper}), NIO elsewhere. One choice per process; listeners and upstream
 * connections share its event loops so a request and its upstream connection stay on one thread.
 *
 * @param name {@code epoll} or {@code nio}
 * @param ioHandlerFactory makes event-loop I/O handlers
 * @param serverChannel the listening channel class
 * @param clientChannel the connecting channel class
 */
public record Transport(
    String name,
    IoHandlerFactory ioHandlerFactory,
    Class<? extends ServerChannel> serverChannel,
    Class<? extends SocketChannel> clientChannel) {

  /** The best transport available here. */
  public static Transport best() {
    if (Epoll.isAvailable()) {
      return new Transport(
          "epoll", EpollRegistrationKeeper.newFactory(), EpollServerSocketChannel.class, EpollSocketChannel.class);
    }
    return nio();
  }

  /** The portable NIO transport. */
  public static Transport nio() {
    return new Transport(
        "nio", NioIoHandler.newFactory(), NioServerSocketChannel.class, NioSocketChannel.class);
  }

  /** A group of {@code threads} event loops named {@code bowline-<purpose>-N}. */
  public EventLoopGroup newGroup(int threads, String purpose) {
    return new MultiThreadIoEventLoopGroup(
        threads, new DefaultThreadFactory("bowline-" + purpose, true), ioHandlerFactory);
  }
}
