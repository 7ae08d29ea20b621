package dev.bowline.proxy.tcp;

import dev.bowline.proxy.tls.ClientTlsContext;
import dev.bowline.proxy.upstream.Cluster;
import dev.bowline.proxy.upstream.ClusterHost;
import dev.bowline.spi.lb.PickContext;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.ssl.SslCloseCompletionEvent;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.ArrayDeque;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One downstream connection of a {@link TcpProxy} and its upstream connection: the relay in both
 * directions, flow control, half-close, idle timeout and the cluster's connection accounting. See
 * {@link TcpProxy} for the behaviour.
 *
 * <p><b>Threading.</b> Confined to the downstream connection's event loop; the upstream connection
 * is opened on the same loop, so both handlers run there too.
 */
final class TcpProxySession {

  /** Pipeline name of the proxy's handler, on both connections. */
  static final String HANDLER = "bowline-tcp-proxy";

  /** Pipeline name of the upstream connection's TLS handler, when the cluster originates TLS. */
  static final String UPSTREAM_TLS = "bowline-upstream-tls";

  private static final Logger log = LoggerFactory.getLogger(TcpProxySession.class);

  private final TcpProxy proxy;
  private final TcpProxyStats stats;
  private final Channel downstream;
  private final long idleNanos;

  private Channel upstream;
  private Cluster cluster;
  private ClusterHost host;
  private TcpProxyStats.ClusterFlow flow;
  /** Downstream bytes that arrived before the upstream was ready. */
  private ArrayDeque<ByteBuf> early;

  private boolean upstreamReady;
  /** The downstream closed (or the session gave up) while the upstream was still connecting. */
  private boolean abandoned;
  private boolean closing;
  private boolean downstreamEnded;
  private boolean upstreamEnded;
  private boolean upstreamOutputShut;
  private boolean downstreamOutputShut;
  private boolean downstreamPaused;
  private boolean upstreamPaused;

  private long lastActivity;
  private ScheduledFuture<?> idleTimer;

  TcpProxySession(TcpProxy proxy, Channel downstream) {
    this.proxy = proxy;
    this.stats = proxy.stats();
    this.downstream = downstream;
    this.idleNanos = proxy.idleTimeoutNanos();
  }

  /** Takes over the downstream connection and starts connecting upstream. */
  void start() {
    downstream.config().setAutoRead(false);
    downstream.config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
    downstream.pipeline().addLast(HANDLER, new DownstreamHandler());
    stats.connectionsTotal.increment();
    if (!downstream.isActive()) {
      return;
    }
    int index = proxy.pickCluster();
    String name = proxy.clusterName(index);
    Cluster c = proxy.clusters().get(name);
    if (c == null) {
      stats.noRoute.increment();
      log.debug("{}: tcp_proxy: cluster {} does not exist; closing", downstream, name);
      downstream.close();
      return;
    }
    ClusterHost h =
        c.pick(proxy.config().hashSourceIp() ? SourceIpPickContext.of(downstream) : PickContext.NONE);
    if (h == null) {
      c.stats().noHealthyHost();
      log.debug("{}: tcp_proxy: cluster {} has no healthy host; closing", downstream, name);
      downstream.close();
      return;
    }
    if (!c.tryOpenConnection()) {
      log.debug("{}: tcp_proxy: cluster {} is at max_connections; closing", downstream, name);
      downstream.close();
      return;
    }
    cluster = c;
    host = h;
    flow = proxy.clusterFlow(index);
    ChannelFuture connect;
    try {
      connect =
          proxy
              .connector()
              .connect(downstream.eventLoop(), h.address(), c.config().connectTimeout(), new UpstreamInitializer());
    } catch (RuntimeException e) {
      connectFailed(e);
      return;
    }
    upstream = connect.channel();
    connect.addListener((ChannelFutureListener) this::connected);
  }

  private void connected(ChannelFuture f) {
    if (!f.isSuccess()) {
      connectFailed(f.cause());
      return;
    }
    if (abandoned || !downstream.isActive()) {
      abandoned = true;
      cluster.connectionClosed();
      closeBoth();
      return;
    }
    SslHandler ssl = (SslHandler) upstream.pipeline().get(UPSTREAM_TLS);
    if (ssl == null) {
      established();
      return;
    }
    ssl.handshakeFuture()
        .addListener(
            handshake -> {
              if (handshake.isSuccess()) {
                established();
              } else {
                connectFailed(handshake.cause());
              }
            });
  }

  /**
   * The attempt to connect (TCP connect, then the TLS handshake when the cluster originates TLS)
   * failed or was given up: end its admission and close. As in Envoy, a failed TLS handshake counts
   * as a connect failure; an attempt given up because the downstream left does not.
   */
  private void connectFailed(Throwable cause) {
    if (abandoned) {
      cluster.connectionClosed();
    } else {
      cluster.connectFailed(host);
      host.outcomes().connectFailed();
      if (log.isDebugEnabled()) {
        log.debug(
            "{}: tcp_proxy: cannot connect to {} of cluster {}: {}",
            downstream,
            host,
            cluster.name(),
            String.valueOf(cause));
      }
    }
    closeBoth();
  }

  /** The upstream connection is up (TLS included): account for it and start relaying. */
  private void established() {
    Cluster c = cluster;
    ClusterHost h = host;
    c.connectionOpened(h);
    h.outcomes().connectedFinal();
    upstream.closeFuture().addListener(x -> c.connectionClosed(h));
    ready();
  }

  /** The upstream is connected (and its TLS handshake done): send what was held, start reading. */
  private void ready() {
    if (closing || !downstream.isActive()) {
      closeBoth();
      return;
    }
    upstreamReady = true;
    touch();
    if (idleNanos > 0) {
      idleTimer = downstream.eventLoop().schedule(this::checkIdle, idleNanos, TimeUnit.NANOSECONDS);
    }
    if (early != null) {
      ByteBuf held;
      while ((held = early.poll()) != null) {
        upstream.write(held, upstream.voidPromise());
      }
      early = null;
      upstream.flush();
    }
    if (downstreamEnded) {
      endOutput(upstream, true);
    } else if (upstream.isWritable()) {
      downstream.config().setAutoRead(true);
    } else {
      pauseDownstream();
    }
  }

  private void touch() {
    lastActivity = System.nanoTime();
  }

  private void checkIdle() {
    idleTimer = null;
    if (closing) {
      return;
    }
    long idle = System.nanoTime() - lastActivity;
    if (idle >= idleNanos) {
      stats.idleTimeout.increment();
      log.debug("{}: tcp_proxy: idle timeout; closing", downstream);
      closeBoth();
      return;
    }
    idleTimer = downstream.eventLoop().schedule(this::checkIdle, idleNanos - idle, TimeUnit.NANOSECONDS);
  }

  private void cancelIdle() {
    if (idleTimer != null) {
      idleTimer.cancel(false);
      idleTimer = null;
    }
  }

  private void pauseDownstream() {
    downstreamPaused = true;
    downstream.config().setAutoRead(false);
    stats.downstreamPaused.increment();
  }

  private void pauseUpstream() {
    upstreamPaused = true;
    upstream.config().setAutoRead(false);
    flow.paused.increment();
  }

  /**
   * One side ended its output: flush what is held for the other side, then end the output toward it
   * ({@code close_notify} first where the proxy speaks TLS to it, then a TCP FIN).
   */
  private void endOutput(Channel target, boolean towardUpstream) {
    target
        .writeAndFlush(Unpooled.EMPTY_BUFFER)
        .addListener(
            (ChannelFutureListener)
                flushed -> {
                  if (!flushed.isSuccess()) {
                    closeBoth();
                    return;
                  }
                  SslHandler ssl = target.pipeline().get(SslHandler.class);
                  if (ssl == null) {
                    shutdownOutput(target, towardUpstream);
                  } else {
                    ssl.closeOutbound().addListener(x -> shutdownOutput(target, towardUpstream));
                  }
                });
  }

  private void shutdownOutput(Channel target, boolean towardUpstream) {
    if (!(target instanceof DuplexChannel duplex) || !target.isActive()) {
      target.close();
      outputShut(towardUpstream);
      return;
    }
    duplex
        .shutdownOutput()
        .addListener(
            done -> {
              if (done.isSuccess()) {
                outputShut(towardUpstream);
              } else {
                closeBoth();
              }
            });
  }

  private void outputShut(boolean towardUpstream) {
    if (towardUpstream) {
      upstreamOutputShut = true;
    } else {
      downstreamOutputShut = true;
    }
    if (upstreamOutputShut && downstreamOutputShut) {
      closeBoth();
    }
  }

  /** Closes both connections now, without flushing. */
  private void closeBoth() {
    closing = true;
    cancelIdle();
    releaseEarly();
    downstream.close();
    if (upstream != null) {
      upstream.close();
    }
  }

  private void releaseEarly() {
    if (early != null) {
      ByteBuf held;
      while ((held = early.poll()) != null) {
        held.release();
      }
      early = null;
    }
  }

  private static boolean isEndOfInput(Object evt) {
    return evt == ChannelInputShutdownEvent.INSTANCE
        || (evt instanceof SslCloseCompletionEvent close && close.isSuccess());
  }

  /** Sets up the upstream connection's pipeline: TLS origination when configured, then the relay. */
  private final class UpstreamInitializer extends ChannelInitializer<Channel> {
    @Override
    protected void initChannel(Channel ch) {
      ch.config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
      Optional<ClientTlsContext> tls = cluster.tls(host.endpoint());
      if (tls.isPresent()) {
        SslHandler ssl = tls.get().newHandler(ch.alloc(), host.endpoint().address(), host.endpoint().port());
        // As in Envoy, the connect timeout covers the TLS handshake too.
        ssl.setHandshakeTimeoutMillis(Math.max(1, cluster.config().connectTimeout().toMillis()));
        ch.pipeline().addLast(UPSTREAM_TLS, ssl);
      }
      ch.pipeline().addLast(HANDLER, new UpstreamHandler());
    }
  }

  /** The downstream connection's end of the relay. */
  private final class DownstreamHandler extends ChannelInboundHandlerAdapter {

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (!(msg instanceof ByteBuf buf)) {
        ReferenceCountUtil.release(msg);
        return;
      }
      stats.rxBytes.add(buf.readableBytes());
      if (!upstreamReady) {
        if (closing || cluster == null || downstreamEnded) {
          buf.release();
          return;
        }
        if (early == null) {
          early = new ArrayDeque<>(4);
        }
        early.add(buf);
        return;
      }
      if (!upstream.isActive() || downstreamEnded) {
        buf.release();
        return;
      }
      upstream.write(buf, upstream.voidPromise());
      if (!downstreamPaused && !upstream.isWritable()) {
        pauseDownstream();
      }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
      touch();
      if (upstreamReady) {
        upstream.flush();
      }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
      if (isEndOfInput(evt) && !downstreamEnded) {
        downstreamEnded = true;
        touch();
        if (upstreamReady) {
          endOutput(upstream, true);
        }
      }
      ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
      if (upstreamPaused && downstream.isWritable()) {
        upstreamPaused = false;
        flow.resumed.increment();
        if (!upstreamEnded) {
          upstream.config().setAutoRead(true);
        }
      }
      ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      releaseEarly();
      if (upstream == null) {
        closing = true;
      } else if (!upstreamReady) {
        // Still connecting (or in the TLS handshake): give up on it.
        abandoned = true;
        closeBoth();
      } else if (upstream.isActive()) {
        // Send what is held for the upstream, then close it.
        upstream.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
      } else {
        closing = true;
        cancelIdle();
      }
      ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      if (log.isDebugEnabled()) {
        log.debug("{}: tcp_proxy: downstream error; closing: {}", ctx.channel(), String.valueOf(cause));
      }
      ctx.close();
    }
  }

  /** The upstream connection's end of the relay. */
  private final class UpstreamHandler extends ChannelInboundHandlerAdapter {

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (!(msg instanceof ByteBuf buf)) {
        ReferenceCountUtil.release(msg);
        return;
      }
      if (!downstream.isActive() || upstreamEnded) {
        buf.release();
        return;
      }
      stats.txBytes.add(buf.readableBytes());
      downstream.write(buf, downstream.voidPromise());
      if (!upstreamPaused && !downstream.isWritable()) {
        pauseUpstream();
      }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
      touch();
      downstream.flush();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
      if (isEndOfInput(evt) && !upstreamEnded) {
        upstreamEnded = true;
        touch();
        if (upstreamReady && downstream.isActive()) {
          endOutput(downstream, false);
        }
      }
      ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
      if (downstreamPaused && upstream.isWritable()) {
        downstreamPaused = false;
        stats.downstreamResumed.increment();
        if (!downstreamEnded) {
          downstream.config().setAutoRead(true);
        }
      }
      ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      if (!upstreamReady) {
        closeBoth();
      } else if (downstream.isActive()) {
        // Send what is held for the downstream, then close it.
        downstream.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
      } else {
        closing = true;
        cancelIdle();
      }
      ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      if (log.isDebugEnabled()) {
        log.debug("{}: tcp_proxy: upstream error; closing: {}", ctx.channel(), String.valueOf(cause));
      }
      ctx.close();
    }
  }
}
