package dev.bowline.proxy.upstream.health;

import dev.bowline.proxy.tls.ClientTlsContext;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoop;
import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The one connection a check client keeps to its host between checks: opens it (through {@link
 * ProbeConnections}, so TLS as the cluster originates it), says whether it can carry a check,
 * notices its loss and closes it. What an attempt reports is dropped once a newer attempt, {@link
 * #drop()} or the loss of the connection has replaced it, so a client only hears about the
 * connection it holds.
 *
 * <p><b>Threading.</b> Confined to the session's event loop.
 */
final class CheckConnection {

  private final EventLoop loop;
  private final ProbeConnector connector;
  private final InetSocketAddress address;
  private final Optional<ClientTlsContext> tls;
  private Channel channel;
  private boolean ready;

  CheckConnection(
      EventLoop loop,
      ProbeConnector connector,
      InetSocketAddress address,
      Optional<ClientTlsContext> tls) {
    this.loop = loop;
    this.connector = connector;
    this.address = address;
    this.tls = tls;
  }

  /** Whether the connection is open, shaken hands and still active: a check can go on it. */
  boolean isReady() {
    return channel != null && ready && channel.isActive();
  }

  /** The connection held, opening or open; null when there is none. */
  Channel channel() {
    return channel;
  }

  /** Whether {@code ch} is the connection held (handlers ignore events of older connections). */
  boolean isCurrent(Channel ch) {
    return ch == channel;
  }

  /**
   * Drops the connection held, if any, and starts a new one; {@code opened} hears once whether it
   * became ready, unless it has been replaced or lost by then.
   *
   * @param handlers sets up the pipeline after the TLS handler
   */
  void open(Consumer<ChannelPipeline> handlers, ProbeConnections.Opened opened) {
    drop();
    ChannelFuture connect = ProbeConnections.connect(loop, connector, address, tls, handlers);
    Channel opening = connect.channel();
    channel = opening;
    ProbeConnections.whenReady(
        connect,
        new ProbeConnections.Opened() {
          @Override
          public void ready(Channel ch) {
            if (ch == channel) {
              ready = true;
              opened.ready(ch);
            }
          }

          @Override
          public void failed() {
            if (opening == channel) {
              channel = null;
              opened.failed();
            }
          }
        });
  }

  /**
   * Forgets {@code ch} when it is the connection held and has gone inactive.
   *
   * @return whether it was the connection held (the check in flight, if any, has lost it)
   */
  boolean lost(Channel ch) {
    if (ch != channel) {
      return false;
    }
    channel = null;
    ready = false;
    return true;
  }

  /** Closes the connection held, if any; its events are ignored from now on. */
  void drop() {
    Channel c = channel;
    channel = null;
    ready = false;
    if (c != null) {
      c.close();
    }
  }
}
