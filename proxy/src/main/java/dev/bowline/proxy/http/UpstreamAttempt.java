package dev.bowline.proxy.http;

import dev.bowline.proxy.upstream.ClusterHost;
import dev.bowline.proxy.upstream.PoolCallback;
import dev.bowline.proxy.upstream.UpstreamConnection;
import dev.bowline.proxy.upstream.UpstreamListener;
import dev.bowline.proxy.upstream.UpstreamResetReason;
import dev.bowline.proxy.upstream.outlier.HostOutcomes;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One try of a request at one upstream host: it asks the pool for a connection (or an HTTP/2
 * stream), binds itself to it, and passes what the upstream says on to its exchange. It counts the
 * request in flight on its host from creation until {@link #end}, and runs the try's {@code
 * per_try_timeout}.
 *
 * <p>Once ended, a try says nothing more: a connection that arrives late is abandoned, response
 * content is released, anything else is dropped. So a retry never hears from an earlier try.
 *
 * <p>It reports what became of it to its host's {@link HostOutcomes} (outlier detection), where
 * Envoy's router does: the connection, a connect failure or reset, a timeout before the response
 * head, and the response head's status (a Trailers-Only {@code grpc-status} included).
 *
 * <p><b>Threading.</b> Confined to the exchange's event loop.
 */
final class UpstreamAttempt implements PoolCallback, UpstreamListener {

  private static final String GRPC_STATUS = "grpc-status";

  private final Http1Exchange exchange;
  private final ClusterHost host;
  private UpstreamConnection connection;
  private ScheduledFuture<?> perTryTimer;
  private boolean headReceived;
  private boolean ended;

  /** A try at {@code host}, counted in flight there at once. */
  UpstreamAttempt(Http1Exchange exchange, ClusterHost host) {
    this.exchange = exchange;
    this.host = host;
    host.requestStarted();
  }

  ClusterHost host() {
    return host;
  }

  /** The connection (or stream) bound to this try, or {@code null} before it is ready. */
  UpstreamConnection connection() {
    return connection;
  }

  /** Whether this try has its connection and may be written to. */
  boolean isConnected() {
    return connection != null && !ended;
  }

  /** Starts the per-try timeout: {@code onTimeout} runs on {@code loop} unless the try ends first. */
  void startPerTryTimer(EventLoop loop, long millis, Runnable onTimeout) {
    if (perTryTimer == null && !ended) {
      perTryTimer =
          loop.schedule(
              () -> {
                if (!ended) {
                  host.outcomes().timedOut();
                }
                onTimeout.run();
              },
              millis,
              TimeUnit.MILLISECONDS);
    }
  }

  /** Stops the per-try timeout (the response started: only the route timeout applies now). */
  void stopPerTryTimer() {
    if (perTryTimer != null) {
      perTryTimer.cancel(false);
      perTryTimer = null;
    }
  }

  /** The route timeout expired during this try: a timeout for the host if no head came yet. */
  void routeTimedOut() {
    if (!ended && !headReceived) {
      host.outcomes().timedOut();
    }
  }

  /**
   * Ends this try: its host no longer counts it in flight ({@code failed} counts an error there),
   * its timer stops, and with {@code abandon} its connection is closed (or stream reset). Later
   * calls do nothing.
   */
  void end(boolean failed, boolean abandon) {
    if (ended) {
      return;
    }
    ended = true;
    stopPerTryTimer();
    host.requestFinished(failed);
    if (abandon && connection != null) {
      connection.abandon();
    }
  }

  @Override
  public void onReady(UpstreamConnection ready) {
    if (ended) {
      ready.abandon();
      return;
    }
    connection = ready;
    host.outcomes().connected();
    ready.bind(this);
    exchange.onAttemptReady(this);
  }

  @Override
  public boolean wanted() {
    return !ended;
  }

  @Override
  public void onFailure(boolean overflow, String detail) {
    if (!ended) {
      if (!overflow) {
        host.outcomes().connectFailed(); // an overflow is the cluster's, not the host's (Envoy)
      }
      exchange.onAttemptFailure(this, overflow, detail);
    }
  }

  @Override
  public void onResponseHead(HttpResponse response) {
    if (!ended) {
      headReceived = true;
      HostOutcomes outcomes = host.outcomes();
      if (outcomes != HostOutcomes.NONE) {
        outcomes.responded(response.status().code(), response.headers().get(GRPC_STATUS));
      }
      exchange.onAttemptResponseHead(this, response);
    }
  }

  @Override
  public void onResponseContent(HttpContent content) {
    if (ended) {
      content.release();
      return;
    }
    exchange.onAttemptResponseContent(this, content);
  }

  @Override
  public void onUpstreamReset(UpstreamResetReason reason, String detail) {
    if (!ended) {
      host.outcomes().connectFailed(); // Envoy's router reports a reset as a connect failure
      exchange.onAttemptReset(this, reason, detail);
    }
  }

  @Override
  public void onUpstreamWritabilityChanged(boolean writable) {
    if (!ended) {
      exchange.onAttemptWritabilityChanged(writable);
    }
  }
}
