package dev.bowline.proxy.upstream;

import io.netty.channel.EventLoop;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * The HTTP/2 connections of one cluster on one event loop: one multiplexed connection per host,
 * opened on the request's event loop, with one stream per request. Requests wait (as pending
 * requests, under {@code max_pending_requests}) while the connection is being set up or while it
 * carries as many streams as the upstream's SETTINGS_MAX_CONCURRENT_STREAMS allows. A connection
 * that received GOAWAY or reached {@code max_requests_per_connection} takes no new streams: the
 * next request opens a fresh connection, and the old one closes once its streams have ended. An
 * idle connection (no stream) closes after the cluster's {@code idle_timeout}. Each connection
 * counts against {@code max_connections}; {@code max_requests} is the exchange's to enforce.
 *
 * <p>With TLS origination the connection offers ALPN as configured (the cluster manager adds
 * {@code h2} to an HTTP/2 cluster's empty ALPN list) and is refused if the upstream selects
 * another protocol; an upstream that selects none is spoken to in HTTP/2 (prior knowledge).
 *
 * <p><b>Threading.</b> Confined to its event loop: every method must be called there.
 */
public final class Http2ConnectionPool implements ConnectionPool {

  private final Cluster cluster;
  private final EventLoop loop;
  private final UpstreamConnector connector;
  private final Map<ClusterHost, MultiplexedConnection> current = new HashMap<>();
  private final Set<MultiplexedConnection> open = new LinkedHashSet<>();

  Http2ConnectionPool(Cluster cluster, EventLoop loop, UpstreamConnector connector) {
    this.cluster = cluster;
    this.loop = loop;
    this.connector = connector;
  }

  Cluster cluster() {
    return cluster;
  }

  EventLoop loop() {
    return loop;
  }

  UpstreamConnector connector() {
    return connector;
  }

  /** Opens a stream to {@code host}, on its connection or on a new one, and calls back once. */
  @Override
  public void acquire(ClusterHost host, PoolCallback callback) {
    MultiplexedConnection connection = current.get(host);
    if (connection != null && connection.takesNewStreams()) {
      connection.acquire(callback);
      return;
    }
    if (!cluster.tryStartPending()) {
      callback.onFailure(true, "pending requests overflow");
      return;
    }
    if (!cluster.tryOpenConnection()) {
      cluster.finishPending();
      callback.onFailure(true, "connections overflow");
      return;
    }
    connection = new MultiplexedConnection(this, host);
    current.put(host, connection);
    open.add(connection);
    connection.connect(callback);
  }

  /** {@code connection} takes no new streams: later requests to its host get a new connection. */
  void retire(MultiplexedConnection connection) {
    current.remove(connection.host(), connection);
  }

  /** {@code connection} closed. */
  void closed(MultiplexedConnection connection) {
    retire(connection);
    open.remove(connection);
  }

  /** Closes every connection that carries no stream now. */
  @Override
  public void closeIdle() {
    for (MultiplexedConnection connection : new ArrayList<>(open)) {
      connection.closeIfIdle();
    }
  }
}
