package dev.bowline.proxy.upstream;

import dev.bowline.proxy.http2.Http2Upstream;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2GoAwayFrame;
import io.netty.handler.codec.http2.Http2SettingsFrame;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;

/**
 * One HTTP/2 connection of an {@link Http2ConnectionPool} to one host: connects (and shakes hands),
 * then opens one stream per request; requests that arrive while it connects, or while the upstream's
 * stream limit is reached, wait in order. It owns its streams' {@link UpstreamConnection}s: a stream
 * that ends frees a slot for the next waiting request.
 *
 * <p>Admission bookkeeping: the pool admitted the connection ({@code max_connections}) and the
 * first request ({@code max_pending_requests}); this class ends both exactly once. Each waiting
 * request holds one pending admission until it gets a stream or fails.
 *
 * <p><b>Threading.</b> Confined to the pool's event loop.
 */
final class MultiplexedConnection implements UpstreamConnection.Owner {

  private static final String TLS_HANDLER = "bowline-upstream-tls";

  private enum State {
    CONNECTING,
    READY,
    CLOSED
  }

  private final Http2ConnectionPool pool;
  private final Cluster cluster;
  private final ClusterHost host;
  private final ArrayDeque<PoolCallback> waiting = new ArrayDeque<>();
  private State state = State.CONNECTING;
  private boolean opened;
  private boolean goingAway;
  private Channel channel;
  private Http2FrameCodec codec;
  private int activeStreams;
  private long streamsOpened;
  private ScheduledFuture<?> idleTimer;

  MultiplexedConnection(Http2ConnectionPool pool, ClusterHost host) {
    this.pool = pool;
    this.cluster = pool.cluster();
    this.host = host;
  }

  ClusterHost host() {
    return host;
  }

  /** Whether new requests may use this connection. */
  boolean takesNewStreams() {
    return state != State.CLOSED && !goingAway;
  }

  /** Starts connecting; {@code first} (already admitted as pending) waits for the connection. */
  void connect(PoolCallback first) {
    waiting.add(first);
    InetSocketAddress address =
        new InetSocketAddress(host.endpoint().address(), host.endpoint().port());
    ChannelFuture connect =
        pool.connector()
            .connect(
                pool.loop(),
                address,
                cluster.config().connectTimeout(),
                new ChannelInitializer<Channel>() {
                  @Override
                  protected void initChannel(Channel ch) {
                    cluster
                        .tls(host.endpoint())
                        .ifPresent(
                            tls ->
                                ch.pipeline()
                                    .addLast(
                                        TLS_HANDLER,
                                        tls.newHandler(
                                            ch.alloc(),
                                            host.endpoint().address(),
                                            host.endpoint().port())));
                    codec = Http2Upstream.addConnectionHandlers(ch.pipeline());
                    ch.pipeline().addLast("bowline-upstream-h2-connection", new ConnectionEvents());
                  }
                });
    channel = connect.channel();
    channel.closeFuture().addListener(f -> onClosed());
    connect.addListener(f -> onConnected(f));
  }

  private void onConnected(Future<?> connect) {
    if (state == State.CLOSED) {
      return;
    }
    if (!connect.isSuccess()) {
      Throwable cause = connect.cause();
      fail(
          "connection failure"
              + (cause == null
                  ? ""
                  : ", " + cause.getClass().getSimpleName()
                      + (cause.getMessage() == null ? "" : ": " + cause.getMessage())));
      return;
    }
    opened = true;
    host.connectionOpened();
    SslHandler ssl = (SslHandler) channel.pipeline().get(TLS_HANDLER);
    if (ssl == null) {
      ready();
      return;
    }
    ssl.handshakeFuture()
        .addListener(
            h -> {
              if (state == State.CLOSED) {
                return;
              }
              if (!h.isSuccess()) {
                fail("TLS error: " + h.cause().getMessage());
                return;
              }
              String protocol = ssl.applicationProtocol();
              if (protocol != null && !"h2".equals(protocol)) {
                fail("TLS error: the upstream selected " + protocol + " by ALPN, not h2");
                return;
              }
              ready();
            });
  }

  private void ready() {
    state = State.READY;
    serveWaiting();
    scheduleIdleTimeoutIfIdle();
  }

  /** A request for a stream: one now, or after the connection is set up or a stream ends. */
  void acquire(PoolCallback callback) {
    if (state == State.READY && waiting.isEmpty() && hasStreamSlot()) {
      openStream(callback);
      return;
    }
    if (!cluster.tryStartPending()) {
      callback.onFailure(true, "pending requests overflow");
      return;
    }
    waiting.add(callback);
  }

  private boolean hasStreamSlot() {
    return activeStreams < codec.connection().local().maxActiveStreams();
  }

  private void serveWaiting() {
    if (goingAway) {
      // This connection takes no more streams: the waiting requests go to a new one.
      PoolCallback callback;
      while ((callback = waiting.poll()) != null) {
        cluster.finishPending();
        pool.acquire(host, callback);
      }
      return;
    }
    while (state == State.READY && !goingAway && !waiting.isEmpty() && hasStreamSlot()) {
      PoolCallback callback = waiting.poll();
      cluster.finishPending();
      openStream(callback);
    }
  }

  private void openStream(PoolCallback callback) {
    if (idleTimer != null) {
      idleTimer.cancel(false);
      idleTimer = null;
    }
    activeStreams++;
    streamsOpened++;
    int max = cluster.config().maxRequestsPerConnection();
    if (max > 0 && streamsOpened >= max) {
      retire();
    }
    UpstreamConnection stream = new UpstreamConnection(this, host);
    new Http2StreamChannelBootstrap(channel)
        .handler(
            new ChannelInitializer<Http2StreamChannel>() {
              @Override
              protected void initChannel(Http2StreamChannel ch) {
                Http2Upstream.addStreamHandlers(ch.pipeline(), "upstream", stream);
              }
            })
        .open()
        .addListener(
            (Future<Http2StreamChannel> f) -> {
              if (f.isSuccess()) {
                callback.onReady(stream);
                return;
              }
              if (stream.channel() == null) {
                closed(stream);
              }
              callback.onFailure(false, "connection failure, cannot open a stream: " + f.cause());
            });
  }

  /** Takes no new streams from now on; closes once the last stream has ended. */
  private void retire() {
    goingAway = true;
    pool.retire(this);
  }

  @Override
  public void release(UpstreamConnection stream, boolean keepAlive) {
    // Both ends of the stream are done: it closes by itself.
  }

  @Override
  public void closed(UpstreamConnection stream) {
    activeStreams--;
    if (state == State.CLOSED) {
      return;
    }
    if (goingAway && activeStreams == 0) {
      channel.close();
      return;
    }
    serveWaiting();
    scheduleIdleTimeoutIfIdle();
  }

  private void scheduleIdleTimeoutIfIdle() {
    long idleNanos = cluster.config().idleTimeout().toNanos();
    if (state == State.READY && activeStreams == 0 && idleNanos > 0 && idleTimer == null) {
      idleTimer = pool.loop().schedule(() -> channel.close(), idleNanos, TimeUnit.NANOSECONDS);
    }
  }

  /** Closes the connection if it carries no stream. */
  void closeIfIdle() {
    if (state == State.READY && activeStreams == 0) {
      channel.close();
    }
  }

  private void onGoAway() {
    retire();
    if (activeStreams == 0) {
      channel.close();
    } else {
      serveWaiting();
    }
  }

  /** Setting up failed: the waiting requests fail with {@code detail}; the connection closes. */
  private void fail(String detail) {
    end(detail);
    channel.close();
  }

  private void onClosed() {
    if (state != State.CLOSED) {
      end(opened ? "connection termination" : "connection failure");
    }
  }

  private void end(String detail) {
    state = State.CLOSED;
    if (idleTimer != null) {
      idleTimer.cancel(false);
      idleTimer = null;
    }
    if (opened) {
      host.connectionClosed();
    } else {
      cluster.stats().connectFailed();
      host.connectFailed();
    }
    cluster.connectionClosed();
    pool.closed(this);
    PoolCallback callback;
    while ((callback = waiting.poll()) != null) {
      cluster.finishPending();
      callback.onFailure(false, detail);
    }
  }

  /** The connection-level frames and errors, after the multiplexer. */
  private final class ConnectionEvents extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      try {
        if (msg instanceof Http2GoAwayFrame) {
          onGoAway();
        } else if (msg instanceof Http2SettingsFrame && state == State.READY) {
          serveWaiting();
        }
      } finally {
        ReferenceCountUtil.release(msg);
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      // The HTTP/2 codec answers connection errors itself (GOAWAY, then close).
    }
  }
}
