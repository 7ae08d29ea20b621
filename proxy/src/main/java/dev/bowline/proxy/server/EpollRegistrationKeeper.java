package dev.bowline.proxy.server;

import io.netty.channel.IoHandle;
import io.netty.channel.IoHandler;
import io.netty.channel.IoHandlerContext;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.IoOps;
import io.netty.channel.IoRegistration;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollIoOps;
import io.netty.util.concurrent.ThreadAwareExecutor;

/**
 * Netty's epoll I/O handler, with its descriptors kept in the epoll set while their interest set is
 * empty.
 *
 * <p><b>Why.</b> Netty 4.2's epoll registration removes a descriptor from the epoll set
 * ({@code EPOLL_CTL_DEL}) when a channel's interest set becomes empty, yet still believes it added,
 * so the channel's next interest ({@code EPOLL_CTL_MOD}) fails with {@code ENOENT}. The interest
 * set becomes empty on a connection whose peer has half-closed (input shut down, so neither
 * {@code EPOLLIN} nor {@code EPOLLRDHUP} is wanted) while no write is waiting; a response larger
 * than the socket buffer written after that needs {@code EPOLLOUT}, the modification fails, Netty
 * shuts the output down and the peer receives a truncated stream. A tcp_proxy client that sends its
 * FIN before reading a large answer lost its tail this way.
 *
 * <p><b>What.</b> An empty interest set is submitted as {@code EPOLLET} alone: the descriptor stays
 * registered (so later modifications succeed) and wants no readiness event; errors and hang-ups
 * are still reported, once each. Every other call goes to Netty's handler unchanged.
 *
 * <p><b>Threading.</b> As Netty's handler: each handler and its registrations are confined to their
 * event loop, apart from {@link IoHandler#wakeup()}.
 */
final class EpollRegistrationKeeper {

  private EpollRegistrationKeeper() {}

  /** Netty's epoll handler factory with empty interest sets kept registered. */
  static IoHandlerFactory newFactory() {
    IoHandlerFactory epoll = EpollIoHandler.newFactory();
    return new IoHandlerFactory() {
      @Override
      public IoHandler newHandler(ThreadAwareExecutor executor) {
        return new KeepingHandler(epoll.newHandler(executor));
      }

      @Override
      public boolean isChangingThreadSupported() {
        return epoll.isChangingThreadSupported();
      }
    };
  }

  /** The interest set to submit in place of {@code ops}. */
  private static IoOps kept(IoOps ops) {
    return ops instanceof EpollIoOps epoll && epoll.value() == EpollIoOps.NONE.value()
        ? EpollIoOps.EPOLLET
        : ops;
  }

  private record KeepingHandler(IoHandler epoll) implements IoHandler {
    @Override
    public void initialize() {
      epoll.initialize();
    }

    @Override
    public int run(IoHandlerContext context) {
      return epoll.run(context);
    }

    @Override
    public void prepareToDestroy() {
      epoll.prepareToDestroy();
    }

    @Override
    public void destroy() {
      epoll.destroy();
    }

    @Override
    public IoRegistration register(IoHandle handle) throws Exception {
      return new KeepingRegistration(epoll.register(handle));
    }

    @Override
    public void wakeup() {
      epoll.wakeup();
    }

    @Override
    public boolean isCompatible(Class<? extends IoHandle> handleType) {
      return epoll.isCompatible(handleType);
    }
  }

  private record KeepingRegistration(IoRegistration epoll) implements IoRegistration {
    @Override
    public <T> T attachment() {
      return epoll.attachment();
    }

    @Override
    public long submit(IoOps ops) {
      return epoll.submit(kept(ops));
    }

    @Override
    public boolean isValid() {
      return epoll.isValid();
    }

    @Override
    public boolean cancel() {
      return epoll.cancel();
    }
  }
}
