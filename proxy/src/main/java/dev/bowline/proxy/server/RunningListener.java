package dev.bowline.proxy.server;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * A bound listener socket and the configuration its new connections get. The configuration is a
 * volatile reference, so a change applies atomically to new connections without touching the
 * ones in flight.
 *
 * <p><b>Threading.</b> The runtime is swapped by the control thread; connections read it on the
 * event loop that accepted them.
 */
final class RunningListener {

  private volatile ListenerRuntime runtime;
  private volatile Channel serverChannel;
  private final ChannelGroup connections = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
  private final AtomicInteger open = new AtomicInteger();
  private final LongAdder accepted = new LongAdder();
  private final LongAdder overflow = new LongAdder();

  RunningListener(ListenerRuntime runtime) {
    this.runtime = runtime;
  }

  ListenerRuntime runtime() {
    return runtime;
  }

  void update(ListenerRuntime next) {
    runtime = next;
  }

  void bound(Channel channel) {
    serverChannel = channel;
  }

  Channel serverChannel() {
    return serverChannel;
  }

  InetSocketAddress localAddress() {
    return (InetSocketAddress) serverChannel.localAddress();
  }

  ChannelGroup connections() {
    return connections;
  }

  int openConnections() {
    return open.get();
  }

  long acceptedConnections() {
    return accepted.sum();
  }

  long overflowedConnections() {
    return overflow.sum();
  }

  /** The handler for accepted connections: enforces the connection limit, then the chain. */
  ChannelInitializer<Channel> childInitializer() {
    return new ChannelInitializer<>() {
      @Override
      protected void initChannel(Channel ch) {
        ListenerRuntime current = runtime;
        int limit = current.config().maxConnections();
        if (limit > 0 && open.incrementAndGet() > limit) {
          open.decrementAndGet();
          overflow.increment();
          ch.close();
          return;
        } else if (limit <= 0) {
          open.incrementAndGet();
        }
        accepted.increment();
        connections.add(ch);
        ch.closeFuture().addListener(f -> open.decrementAndGet());
        current.initConnection(ch);
      }
    };
  }
}
