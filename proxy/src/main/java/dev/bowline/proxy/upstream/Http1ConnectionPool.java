package dev.bowline.proxy.upstream;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoop;
import io.netty.handler.ssl.SslHandler;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * The HTTP/1.1 connections of one cluster on one event loop: idle keep-alive connections per host,
 * reused most-recently-used first, and new connections opened on the same event loop as the
 * request (so a request and its upstream connection never cross threads). Enforces the cluster's
 * {@code max_connections} and {@code max_pending_requests} breakers, {@code idle_timeout} and
 * {@code max_requests_per_connection}. As in Envoy, a request that finds no idle connection and
 * may not open one because {@code max_connections} is reached waits, counted as pending, for a
 * connection to be released or a slot to free; only a request beyond {@code
 * max_pending_requests} is refused (503, UO).
 *
 * <p><b>Threading.</b> Confined to its event loop: every method must be called there.
 */
public final class Http1ConnectionPool implements ConnectionPool {

  private static final String TLS_HANDLER = "bowline-upstream-tls";
  /** The HTTP/1.1 client codec's name (a WebSocket tunnel switches it to passing bytes). */
  static final String CODEC_HANDLER = "codec";
  private static final int MAX_INITIAL_LINE = 8192;
  private static final int MAX_HEADER_SIZE = 96 * 1024;
  private static final int MAX_CHUNK_SIZE = 64 * 1024;

  private final Cluster cluster;
  private final EventLoop loop;
  private final UpstreamConnector connector;
  private final Map<ClusterHost, ArrayDeque<UpstreamConnection>> idle = new HashMap<>();
  /** Requests admitted as pending that wait for a connection slot, oldest first. */
  private final ArrayDeque<Waiter> waiting = new ArrayDeque<>();
  private boolean awaitingSlot;
  private final UpstreamConnection.Owner owner =
      new UpstreamConnection.Owner() {
        @Override
        public void release(UpstreamConnection connection, boolean keepAlive) {
          Http1ConnectionPool.this.release(connection, keepAlive);
        }

        @Override
        public void closed(UpstreamConnection connection) {
          Http1ConnectionPool.this.closed(connection);
        }
      };

  Http1ConnectionPool(Cluster cluster, EventLoop loop, UpstreamConnector connector) {
    this.cluster = cluster;
    this.loop = loop;
    this.connector = connector;
  }

  EventLoop loop() {
    return loop;
  }

  /** Finds an idle connection to {@code host} or opens one, and calls back exactly once. */
  @Override
  public void acquire(ClusterHost host, PoolCallback callback) {
    ArrayDeque<UpstreamConnection> free = idle.get(host);
    while (free != null && !free.isEmpty()) {
      UpstreamConnection c = free.pollLast();
      c.stopIdleCountdown();
      if (c.isReusable()) {
        callback.onReady(c);
        return;
      }
    }
    if (!cluster.tryStartPending()) {
      callback.onFailure(true, "pending requests overflow");
      return;
    }
    if (!waiting.isEmpty() || !cluster.tryOpenConnection()) {
      waiting.addLast(new Waiter(host, callback));
      closeOneIdle(); // an idle connection to another host gives its slot to this request
      awaitSlot();
      return;
    }
    connect(host, callback);
  }

  private record Waiter(ClusterHost host, PoolCallback callback) {}

  /** Asks the cluster to wake this pool when a slot frees, then checks once that none did already. */
  private void awaitSlot() {
    if (!awaitingSlot) {
      awaitingSlot = true;
      cluster.whenConnectionSlotFrees(() -> loop.execute(this::slotFreed));
    }
    if (cluster.admitConnection()) {
      Waiter next = nextWanted();
      if (next == null) {
        cluster.connectionClosed();
      } else {
        connect(next.host(), next.callback());
      }
    }
  }

  /** The oldest waiting request still wanted; those no longer wanted leave the queue. */
  private Waiter nextWanted() {
    Waiter next;
    while ((next = waiting.pollFirst()) != null) {
      if (next.callback().wanted()) {
        return next;
      }
      cluster.finishPending();
    }
    return null;
  }

  private void closeOneIdle() {
    for (ArrayDeque<UpstreamConnection> free : idle.values()) {
      UpstreamConnection oldest = free.peekFirst();
      if (oldest != null) {
        oldest.channel().close();
        return;
      }
    }
  }

  /** On the loop: a slot freed somewhere in the cluster; the oldest waiting request connects. */
  private void slotFreed() {
    awaitingSlot = false;
    if (waiting.isEmpty()) {
      return;
    }
    if (cluster.admitConnection()) {
      Waiter next = nextWanted();
      if (next == null) {
        cluster.connectionClosed();
        return;
      }
      connect(next.host(), next.callback());
    }
    if (!waiting.isEmpty()) {
      awaitSlot();
    }
  }

  /** Opens a connection admitted by {@link Cluster#tryOpenConnection()} for a pending request. */
  private void connect(ClusterHost host, PoolCallback callback) {
    UpstreamConnection connection = new UpstreamConnection(owner, host);
    InetSocketAddress address = new InetSocketAddress(host.endpoint().address(), host.endpoint().port());
    ChannelFuture connect =
        connector.connect(
            loop,
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
                                .addLast(TLS_HANDLER, tls.newHandler(ch.alloc(), host.endpoint().address(), host.endpoint().port())));
                ch.pipeline()
                    .addLast(CODEC_HANDLER, new Http1ClientCodec(MAX_INITIAL_LINE, MAX_HEADER_SIZE, MAX_CHUNK_SIZE))
                    .addLast("upstream", connection);
              }
            });
    connect.addListener(
        f -> {
          cluster.finishPending();
          if (f.isSuccess()) {
            host.connectionOpened();
            SslHandler ssl = (SslHandler) connection.channel().pipeline().get(TLS_HANDLER);
            if (ssl == null) {
              callback.onReady(connection);
              return;
            }
            ssl.handshakeFuture()
                .addListener(
                    h -> {
                      if (h.isSuccess()) {
                        callback.onReady(connection);
                      } else {
                        connection.channel().close();
                        callback.onFailure(false, "TLS error: " + h.cause().getMessage());
                      }
                    });
          } else {
            cluster.connectionClosed();
            cluster.stats().connectFailed();
            host.connectFailed();
            Throwable cause = f.cause();
            callback.onFailure(
                false,
                "connection failure" + (cause == null ? "" : ", " + cause.getClass().getSimpleName()
                    + (cause.getMessage() == null ? "" : ": " + cause.getMessage())));
          }
        });
  }

  /** Takes a connection back after a request; keeps it when it may carry another. */
  void release(UpstreamConnection connection, boolean keepAlive) {
    int max = cluster.config().maxRequestsPerConnection();
    boolean reusable =
        keepAlive && connection.isReusable() && (max == 0 || connection.requests() < max);
    if (!reusable) {
      connection.channel().close();
      return;
    }
    Waiter next = nextWanted();
    if (next != null) {
      if (next.host().equals(connection.host())) {
        cluster.finishPending();
        next.callback().onReady(connection);
      } else {
        waiting.addFirst(next);
        connection.channel().close(); // frees the slot for the waiting request's host
      }
      return;
    }
    idle.computeIfAbsent(connection.host(), h -> new ArrayDeque<>()).addLast(connection);
    long idleNanos = cluster.config().idleTimeout().toNanos();
    if (idleNanos > 0) {
      connection.closeWhenIdleFor(idleNanos);
    }
  }

  /** A connection closed: forget it. */
  void closed(UpstreamConnection connection) {
    ArrayDeque<UpstreamConnection> free = idle.get(connection.host());
    if (free != null) {
      free.remove(connection);
    }
    connection.host().connectionClosed();
    cluster.connectionClosed();
  }

  /** Closes every idle connection and refuses the requests waiting for one. */
  @Override
  public void closeIdle() {
    while (!waiting.isEmpty()) {
      Waiter w = waiting.pollFirst();
      cluster.finishPending();
      w.callback().onFailure(false, "the cluster was removed");
    }
    for (ArrayDeque<UpstreamConnection> free : idle.values()) {
      for (UpstreamConnection c : free.toArray(new UpstreamConnection[0])) {
        c.channel().close();
      }
    }
  }
}
