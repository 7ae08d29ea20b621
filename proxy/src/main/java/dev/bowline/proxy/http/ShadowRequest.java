package dev.bowline.proxy.http;

import dev.bowline.proxy.upstream.Cluster;
import dev.bowline.proxy.upstream.ClusterHost;
import dev.bowline.proxy.upstream.PoolCallback;
import dev.bowline.proxy.upstream.UpstreamConnection;
import dev.bowline.proxy.upstream.UpstreamConnector;
import dev.bowline.proxy.upstream.UpstreamListener;
import dev.bowline.proxy.upstream.UpstreamResetReason;
import dev.bowline.spi.lb.PickContext;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One mirrored copy of a request, fire and forget: it goes to a host of the mirror cluster through
 * the cluster's own pool, circuit breakers and counters, its response is read and dropped, and
 * whatever becomes of it (no host, no connection, a reset, the timeout) is only counted. Nothing
 * here reaches the original request.
 *
 * <p>The copy is sent whole: head and the complete body at once (the body was kept while the
 * original streamed). The route timeout bounds it; at the end the connection goes back to the pool
 * (a complete response) or is closed (anything else).
 *
 * <p><b>Threading.</b> Confined to one event loop, the original request's. Ownership: the body
 * pieces given to the constructor belong to this copy until written or released.
 */
final class ShadowRequest implements PoolCallback, UpstreamListener {

  private final Cluster cluster;
  private final ShadowStats.Counters counters;
  private final HttpRequest head;
  private final List<HttpContent> body;
  private final EventLoop loop;
  private final UpstreamConnector connector;
  private final long timeoutMillis;
  private ClusterHost host;
  private UpstreamConnection connection;
  private ScheduledFuture<?> timer;
  private boolean bodyHandedOver;
  private boolean ended;

  /**
   * @param head the copy's head, its own (not shared with the original)
   * @param body the copy's body pieces, the last a {@link LastHttpContent}; owned from now on
   * @param timeoutMillis the route timeout, 0 for none
   */
  ShadowRequest(
      Cluster cluster,
      ShadowStats.Counters counters,
      HttpRequest head,
      List<HttpContent> body,
      EventLoop loop,
      UpstreamConnector connector,
      long timeoutMillis) {
    this.cluster = cluster;
    this.counters = counters;
    this.head = head;
    this.body = body;
    this.loop = loop;
    this.connector = connector;
    this.timeoutMillis = timeoutMillis;
  }

  /** Sends the copy, unless the cluster's breakers or the lack of a host refuse it. */
  void start() {
    counters.sent().increment();
    if (!cluster.tryStartRequest()) {
      failBeforeHost();
      return;
    }
    host = cluster.pick(PickContext.NONE);
    if (host == null) {
      cluster.stats().noHealthyHost();
      cluster.finishRequest();
      failBeforeHost();
      return;
    }
    host.requestStarted();
    if (timeoutMillis > 0) {
      timer = loop.schedule(this::onTimeout, timeoutMillis, TimeUnit.MILLISECONDS);
    }
    cluster.pool(loop, connector).acquire(host, this);
  }

  private void failBeforeHost() {
    ended = true;
    counters.failed().increment();
    releaseBody();
  }

  @Override
  public void onReady(UpstreamConnection ready) {
    if (ended) {
      ready.abandon();
      return;
    }
    connection = ready;
    ready.bind(this);
    Channel up = ready.channel();
    up.write(head);
    bodyHandedOver = true;
    for (HttpContent piece : body) {
      up.write(piece);
    }
    up.flush();
    ready.requestSent();
  }

  @Override
  public void onFailure(boolean overflow, String detail) {
    end(true);
  }

  @Override
  public void onResponseHead(HttpResponse response) {
    if (!ended) {
      cluster.countResponse(response.status().code());
    }
  }

  @Override
  public void onResponseContent(HttpContent content) {
    boolean last = content instanceof LastHttpContent;
    content.release();
    if (last) {
      end(false);
    }
  }

  @Override
  public void onUpstreamReset(UpstreamResetReason reason, String detail) {
    end(true);
  }

  @Override
  public void onUpstreamWritabilityChanged(boolean writable) {
    // The whole copy is written at once; nothing to pause.
  }

  private void onTimeout() {
    timer = null;
    if (!ended) {
      cluster.stats().timedOut();
      end(true);
    }
  }

  /** Ends the copy: counts, frees the host and the breaker, and drops a connection left mid-way. */
  private void end(boolean failed) {
    if (ended) {
      return;
    }
    ended = true;
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
    host.requestFinished(failed);
    cluster.finishRequest();
    if (failed) {
      counters.failed().increment();
      if (connection != null) {
        connection.abandon();
      }
    }
    releaseBody();
  }

  private void releaseBody() {
    if (!bodyHandedOver) {
      bodyHandedOver = true;
      ReferenceCountUtil.release(head);
      for (HttpContent piece : body) {
        ReferenceCountUtil.release(piece);
      }
    }
  }
}
