package dev.bowline.proxy.http;

import dev.bowline.proxy.filter.LocalReply;
import dev.bowline.proxy.filter.RouteFilterStage;
import dev.bowline.proxy.http2.StreamReading;
import dev.bowline.proxy.route.RetryPolicy;
import dev.bowline.proxy.tls.PeerIdentity;
import dev.bowline.proxy.tls.SessionUriSans;
import dev.bowline.proxy.upstream.Cluster;
import dev.bowline.proxy.upstream.ClusterHost;
import dev.bowline.proxy.upstream.UpstreamConnection;
import dev.bowline.proxy.upstream.UpstreamResetReason;
import dev.bowline.spi.lb.PickContext;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * One HTTP/1.1 request and its response through the proxy: route, pick a host, take a pooled
 * connection on the same event loop, stream the request body up and the response down with
 * backpressure both ways, or answer locally with an Envoy response flag.
 *
 * <p><b>Retries.</b> Under a route's retry policy the request goes to the upstream in tries ({@link
 * UpstreamAttempt}), as Envoy's router does: a try that fails before its response head is
 * forwarded (connect failure, reset, per-try timeout) or whose response head is retriable is
 * abandoned, and after a jittered back-off (a timer on the event loop) a new try goes to another
 * host if there is one. {@link RetryState} decides and counts; {@link UpstreamRequestBody} keeps
 * the body for the next try up to the listener's buffer limit (a larger body stops retrying and
 * streams on). Once a response head goes downstream, nothing is retried.
 *
 * <p><b>Hashing and mirrors.</b> A route with a {@code hash_policy} gives the picker a {@link
 * RequestHashContext} (the key, computed when a hashing balancer asks; a generated cookie goes on
 * the response). A route with {@code request_mirror_policies} sends each sampled copy on its own
 * once the request is complete ({@link RequestMirrors}); the copies never hold this exchange up.
 *
 * <p><b>Built-in filters.</b> Once routed, the connection manager's built-in filters (CORS, fault
 * injection, local rate limit) run on the matched route ({@link RouteFilterStage}) before the
 * route's action: they may answer, or delay the request on an event-loop timer (before the route
 * timeout starts). Every local reply carries its response flags in {@code
 * x-bowline-response-flags} and is counted by them.
 *
 * <p><b>Threading.</b> Confined to the downstream connection's event loop, which is also the
 * upstream connection's.
 */
final class Http1Exchange implements AccessLogFormat.Entry {

  private final Downstream downstream;
  private final HttpConnectionManager manager;
  private final HttpRequest request;
  private final boolean downstreamKeepAlive;
  private final boolean headRequest;
  private final boolean bodyExpected;
  private final long startNanos;
  private final long startEpochMillis;
  private long endNanos;
  private HttpHeaders responseHeaders;
  private final UpstreamRequestBody body = new UpstreamRequestBody();

  private RouteDecision.Forward forward;
  private FilterRun filterRun;
  /** The built-in filters' run on the matched route; null when none of them applies. */
  private RouteFilterStage routeFilters;
  private Cluster cluster;
  private boolean admitted;
  /** The current try (the last one once the exchange is done); null before it and between tries. */
  private UpstreamAttempt attempt;
  /** The host of the latest try, for the access log. */
  private ClusterHost lastHost;
  /** Null without a retry policy, and once retrying is over. */
  private RetryState retry;
  /** The hash key for the cluster's picker; null when the route has no hash policy. */
  private RequestHashContext hashing;
  /** The copies still to send once the request is complete; null when there are none (left). */
  private RequestMirrors mirrors;
  private ScheduledFuture<?> backOff;
  private boolean retryOverflow;
  private boolean retryLimitExceeded;
  private boolean requestComplete;
  private boolean responseStarted;
  private boolean responseChunkedDownstream;
  private boolean closeAfterResponse;
  private boolean done;
  private long upstreamSentNanos;
  private final Runnable routeTimedOut = this::onTimeout;
  private boolean routeTimerStarted;
  /** The request asks for a WebSocket upgrade (HTTP/1.1 downstream only). */
  private boolean upgradeRequested;
  private String upgradeProtocol;

  private int responseCode;
  private String responseFlags = ResponseFlags.NONE;
  private long bytesReceived;
  private long bytesSent;

  Http1Exchange(Downstream downstream, HttpConnectionManager manager, HttpRequest request) {
    this.downstream = downstream;
    this.manager = manager;
    this.request = request;
    this.downstreamKeepAlive = HttpUtil.isKeepAlive(request);
    this.headRequest = HttpMethod.HEAD.equals(request.method());
    this.bodyExpected =
        HttpUtil.isTransferEncodingChunked(request) || HttpUtil.getContentLength(request, 0L) > 0;
    this.startNanos = System.nanoTime();
    this.startEpochMillis = System.currentTimeMillis();
  }

  HttpRequest request() {
    return request;
  }

  /** Routes the request and starts forwarding it, or answers it. */
  void start() {
    manager.stats().requests.increment();
    prepareRequestHeaders();
    if (manager.filters().isEmpty()) {
      route();
      return;
    }
    // Filters may pause (for I/O elsewhere): hold the body meanwhile.
    holdBody();
    filterRun =
        new FilterRun(
            manager.filters(),
            new FilterRequestHead(request, downstream.scheme()),
            downstream.eventLoop(),
            new FilterRun.Outcome() {
              @Override
              public void continueToRouter() {
                if (!done) {
                  route();
                }
              }

              @Override
              public void localReply(int status, String body, Map<String, String> headers, String flag) {
                if (!done) {
                  respondLocally(status, body, null, flag, h -> headers.forEach(h::set));
                }
              }
            });
    filterRun.start();
  }

  /** Routes the request (after the filters) and forwards or answers it. */
  private void route() {
    RouteDecision decision = manager.router().decide(request, downstream.connection(), downstream.scheme());
    if (decision instanceof RouteDecision.NoRoute) {
      manager.stats().noRoute.increment();
      respondLocally(HttpResponseStatus.NOT_FOUND.code(), "", null, ResponseFlags.NO_ROUTE, RouteDecision.HeaderEdits.NONE);
      return;
    }
    routeFilters =
        manager.builtinFilters().stage(
            decision.routeFilters(), decision instanceof RouteDecision.Forward);
    if (routeFilters != null) {
      // ends in act(decision), or a reply
      routeFilters.start(
          new RouteFilterRequest(request, downstream.connection(), downstream.scheme(),
              manager.config().useRemoteAddress(), manager.config().xffNumTrustedHops()),
          routeFilterExchange(decision));
      return;
    }
    act(decision);
  }

  /** How the built-in filters carry on with {@code decision}, pause the body, or answer. */
  private RouteFilterStage.Exchange routeFilterExchange(RouteDecision decision) {
    return new RouteFilterStage.Exchange() {
      @Override
      public ScheduledExecutorService eventLoop() {
        return downstream.eventLoop();
      }

      @Override
      public void pauseRequestBody() {
        downstream.pauseReading();
      }

      @Override
      public void proceed() {
        if (!done) {
          act(decision);
        }
      }

      @Override
      public void reply(LocalReply reply) {
        if (!done) {
          respondLocally(reply.status(), reply.body(), null, reply.flag(),
              h -> reply.headers().accept(new NettyHeaders(h)));
        }
      }
    };
  }

  /** Acts on the route's decision: answers it (redirect, direct response) or forwards upstream. */
  private void act(RouteDecision decision) {
    if (decision instanceof RouteDecision.Local local) {
      respondLocally(local.status(), new String(local.body(), StandardCharsets.UTF_8), local.location(), ResponseFlags.NONE, local.responseEdits());
      return;
    }
    forward = (RouteDecision.Forward) decision;
    cluster = manager.clusters().get(forward.cluster());
    if (cluster == null) {
      respondLocally(503, "", null, ResponseFlags.NO_CLUSTER, forward.responseEdits());
      return;
    }
    if (upgradeRequested
        && cluster.config().protocol() == dev.bowline.proxy.config.ClusterConfig.UpstreamProtocol.HTTP2) {
      // WebSocket over HTTP/2 (extended CONNECT) is not spoken upstream.
      respondLocally(503, "websocket upgrade requires an HTTP/1.1 upstream cluster", null, ResponseFlags.NONE, forward.responseEdits());
      return;
    }
    if (!cluster.tryStartRequest()) {
      respondLocally(503, "upstream connect error or disconnect/reset before headers. reset reason: overflow", null, ResponseFlags.UPSTREAM_OVERFLOW, forward.responseEdits());
      return;
    }
    admitted = true;
    if (!forward.hashPolicy().isEmpty()) {
      hashing = new RequestHashContext(forward.hashPolicy(), request, downstream.connection(), downstream.scheme());
    }
    ClusterHost host = cluster.pick(hashing != null ? hashing : PickContext.NONE);
    if (host == null) {
      noHealthyUpstream();
      return;
    }
    request.setUri(forward.path());
    request.headers().set(HttpHeaderNames.HOST, forward.authority());
    long expectedTimeoutMs = expectedTimeoutMillis();
    if (expectedTimeoutMs > 0) {
      request.headers().set("x-envoy-expected-rq-timeout-ms", Long.toString(expectedTimeoutMs));
    }
    forward.requestEdits().apply(request.headers());
    if (bodyExpected && !HttpUtil.isContentLengthSet(request)) {
      // Framing is hop-by-hop: a body of unknown length (chunked, or an HTTP/2 stream without
      // content-length) goes to an HTTP/1.1 upstream chunked; the HTTP/2 codec drops the header.
      HttpUtil.setTransferEncodingChunked(request, true);
    }
    if (HttpUtil.is100ContinueExpected(request)) {
      // As Envoy does by default: answer 100 Continue here and do not ask the upstream.
      request.headers().remove(HttpHeaderNames.EXPECT);
      downstream.writeAndFlush(
          new io.netty.handler.codec.http.DefaultFullHttpResponse(
              HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE, Unpooled.EMPTY_BUFFER));
    }
    if (!forward.mirrorPolicies().isEmpty() && !upgradeRequested) {
      startMirrors();
    }
    RetryPolicy policy = forward.retryPolicy();
    if (policy != null && !policy.conditions().isEmpty()) {
      startRetrying(policy);
    }
    if (requestComplete) {
      startRouteTimer();
    }
    startAttempt(host);
  }

  /**
   * Samples the route's mirror policies for this request, its head as it goes upstream, and keeps
   * the body that arrived before routing; the copies go once the request is complete.
   */
  private void startMirrors() {
    mirrors =
        RequestMirrors.sample(
            forward.mirrorPolicies(),
            request,
            manager.clusters(),
            manager.shadowStats(),
            downstream.eventLoop(),
            manager.connector(),
            forward.timeout().toMillis(),
            bufferLimitBytes());
    if (mirrors == null) {
      return;
    }
    if (mirrors.announcedTooLarge()) {
      abandonMirrors();
      return;
    }
    body.forEachWaiting(
        piece -> {
          if (mirrors != null && !mirrors.keep(piece)) {
            abandonMirrors();
          }
        });
    if (requestComplete) {
      sendMirrors();
    }
  }

  /** The body is too large to keep for the copies: none is sent (Envoy counts it so). */
  private void abandonMirrors() {
    cluster.stats().retryAbandoned();
    mirrors.cancel();
    mirrors = null;
  }

  /** The request is complete: the copies go now, on their own. */
  private void sendMirrors() {
    if (mirrors != null) {
      RequestMirrors sending = mirrors;
      mirrors = null;
      sending.send();
    }
  }

  /**
   * The timeout the upstream is told to expect ({@code x-envoy-expected-rq-timeout-ms}): the
   * per-try timeout when it is set and shorter than the route's, else the route's; 0 for none.
   */
  private long expectedTimeoutMillis() {
    long routeMs = forward.timeout().toMillis();
    long perTryMs = perTryTimeoutMillis();
    return perTryMs > 0 && (routeMs == 0 || perTryMs < routeMs) ? perTryMs : routeMs;
  }

  private long perTryTimeoutMillis() {
    RetryPolicy policy = forward.retryPolicy();
    return policy == null ? 0 : policy.perTryTimeout().toMillis();
  }

  /**
   * Sets up retrying: the retry state and, when a retry can happen, the buffer that keeps the body
   * for it (taking the pieces that came before routing). A body already over the limit means no
   * retry.
   */
  private void startRetrying(RetryPolicy policy) {
    retry = new RetryState(policy, cluster);
    if (!retry.mayRetry()) {
      // num_retries 0: outcomes are still judged (URX), but nothing is sent twice.
      return;
    }
    if (!body.keepForRetries(bufferLimitBytes())) {
      abandonRetries();
    }
  }

  /**
   * The listener's {@code per_connection_buffer_limit_bytes}: the server makes it each downstream
   * connection's write high-water mark (for an HTTP/2 stream, its connection's).
   */
  private long bufferLimitBytes() {
    return downstream.connection().config().getWriteBufferHighWaterMark();
  }

  /** The body outgrew the buffer: this request is not retried any more (Envoy counts it so). */
  private void abandonRetries() {
    cluster.stats().retryAbandoned();
    retry.close();
    retry = null;
  }

  /** Retrying is over: the response goes downstream. */
  private void stopRetrying() {
    if (retry != null) {
      retry.close();
      retry = null;
    }
    body.stopKeeping();
  }

  /** Starts the route timeout once the request is routed upstream and complete. */
  private void startRouteTimer() {
    if (!admitted || done || routeTimerStarted) {
      return;
    }
    routeTimerStarted = true;
    long timeoutMs = forward.timeout().toMillis();
    if (timeoutMs > 0) {
      downstream.routeTimer().set(TimeUnit.MILLISECONDS.toNanos(timeoutMs), routeTimedOut);
    }
  }

  /** Starts a try at {@code host}: asks the pool for a connection; the body waits meanwhile. */
  private void startAttempt(ClusterHost host) {
    lastHost = host;
    if (retry != null) {
      retry.tried(host);
    }
    attempt = new UpstreamAttempt(this, host);
    holdBody();
    cluster.pool(downstream.eventLoop(), manager.connector()).acquire(host, attempt);
  }

  /**
   * Stops reading the downstream while a body may still come and has nowhere to go yet. A request
   * without a body leaves reading on: toggling it would cost two system calls per request, and a
   * pipelined request or the client's close is still noticed ({@link Http1ServerConnection} holds
   * what arrives behind the current request).
   */
  private void holdBody() {
    if (bodyExpected && !requestComplete) {
      downstream.pauseReading();
    }
  }

  private void noHealthyUpstream() {
    cluster.stats().noHealthyHost();
    respondLocally(503, "no healthy upstream", null, ResponseFlags.NO_HEALTHY_UPSTREAM, forward.responseEdits());
  }

  private void prepareRequestHeaders() {
    HttpHeaders h = request.headers();
    upgradeRequested =
        !downstream.isHttp2()
            && request.protocolVersion().equals(HttpVersion.HTTP_1_1)
            && HopByHopHeaders.isWebSocketUpgrade(h);
    upgradeProtocol = upgradeRequested ? h.get(HttpHeaderNames.UPGRADE) : null;
    HopByHopHeaders.strip(h);
    if (upgradeRequested) {
      // The only hop-by-hop headers that go on: the upstream must see the upgrade offer.
      h.set(HttpHeaderNames.UPGRADE, upgradeProtocol);
      h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE);
    }
    if (manager.config().useRemoteAddress()) {
      // Edge: the client is who connected; its own x-envoy-* headers are not to be trusted.
      h.remove("x-envoy-expected-rq-timeout-ms");
      h.remove("x-envoy-upstream-service-time");
      h.remove("x-envoy-original-path");
      InetSocketAddress peer = (InetSocketAddress) downstream.connection().remoteAddress();
      String client = peer.getAddress().getHostAddress();
      String xff = h.get("x-forwarded-for");
      h.set("x-forwarded-for", xff == null || xff.isBlank() ? client : xff + ", " + client);
      h.set("x-forwarded-proto", downstream.scheme());
      h.set("x-envoy-external-address", client);
    } else if (!h.contains("x-forwarded-proto")) {
      h.set("x-forwarded-proto", downstream.scheme());
    }
    ClientCertHeader.apply(
        h, manager.config().clientCertForwarding(), PeerIdentity.of(downstream.connection()));
    if (manager.config().generateRequestId() && !h.contains("x-request-id")) {
      h.set("x-request-id", RequestIds.next());
    }
  }

  /** A piece of the downstream request body. Ownership passes to the exchange. */
  void onRequestContent(HttpContent content) {
    bytesReceived += content.content().readableBytes();
    boolean last = content instanceof LastHttpContent;
    if (done) {
      content.release();
    } else {
      if (mirrors != null && !mirrors.keep(content)) {
        abandonMirrors();
      }
      Channel up = attempt != null && attempt.isConnected() ? attempt.connection().channel() : null;
      switch (body.add(content, up, attempt == null)) {
        case OUTGREW_BUFFER -> abandonRetries();
        case LOST -> {
          // Between tries, with nothing left to send the next one (Envoy's answer).
          abandonRetries();
          respondLocally(507, "exceeded request buffer limit while retrying upstream", null, ResponseFlags.NONE, forward.responseEdits());
        }
        default -> {}
      }
      if (up != null && last) {
        up.flush();
      }
      // else flushed at the end of this read (flushUpstream)
    }
    if (last) {
      requestComplete = true;
      if (!done) {
        startRouteTimer();
        sendMirrors();
        if (attempt != null && attempt.isConnected()) {
          attemptRequestSent();
        }
      }
    }
  }

  /** Flushes body pieces written upstream during the current read. */
  void flushUpstream() {
    if (!done && attempt != null && attempt.isConnected()) {
      attempt.connection().channel().flush();
    }
  }

  /** The current try has its connection: send the head and the body so far. */
  void onAttemptReady(UpstreamAttempt ready) {
    Channel up = ready.connection().channel();
    upstreamSentNanos = System.nanoTime();
    up.write(request);
    body.writeTo(up);
    up.flush();
    if (requestComplete) {
      attemptRequestSent();
    } else if (up.isWritable()) {
      downstream.resumeReading();
    }
  }

  /** The whole request went to the current try: its per-try timeout starts. */
  private void attemptRequestSent() {
    UpstreamAttempt sent = attempt;
    sent.connection().requestSent();
    long perTryMs = perTryTimeoutMillis();
    if (perTryMs > 0 && !responseStarted && !done && attempt == sent) {
      sent.startPerTryTimer(downstream.eventLoop(), perTryMs, () -> onPerTryTimeout(sent));
    }
  }

  /** No connection for the current try: retried as a connect failure, else 503 UF (UO on overflow). */
  void onAttemptFailure(UpstreamAttempt failed, boolean overflow, String detail) {
    if (done) {
      return;
    }
    if (overflow) {
      // Never retried (Envoy); the decision still tells the outcome of an earlier retry.
      decideNotRetried();
    } else if (retryAfter(RetryPolicy.UpstreamFailure.CONNECT_FAILURE)) {
      return;
    }
    respondLocally(
        503,
        "upstream connect error or disconnect/reset before headers. reset reason: " + (overflow ? "overflow" : detail),
        null,
        overflow ? ResponseFlags.UPSTREAM_OVERFLOW : ResponseFlags.UPSTREAM_CONNECTION_FAILURE,
        forward.responseEdits());
  }

  /** Retries after {@code failure} if the policy and the limits allow; true when scheduled. */
  private boolean retryAfter(RetryPolicy.UpstreamFailure failure) {
    return retry != null && act(retry.onFailure(failure));
  }

  private void decideNotRetried() {
    if (retry != null) {
      retry.onNotRetriable();
    }
  }

  /** Acts on a retry decision: schedules the retry (true), or notes why there is none. */
  private boolean act(RetryState.Decision decision) {
    switch (decision) {
      case RETRY -> {
        scheduleRetry();
        return true;
      }
      case LIMIT_EXCEEDED -> retryLimitExceeded = true;
      case OVERFLOW -> retryOverflow = true;
      default -> {}
    }
    return false;
  }

  /** Abandons the current try and starts the next after the back-off, on the event loop. */
  private void scheduleRetry() {
    UpstreamAttempt failed = attempt;
    attempt = null;
    failed.end(true, true);
    downstream.pauseReading();
    backOff = downstream.eventLoop().schedule(this::retryNow, retry.nextBackOffMicros(), TimeUnit.MICROSECONDS);
  }

  private void retryNow() {
    backOff = null;
    if (done) {
      return;
    }
    cluster.stats().retryRequestStarted();
    ClusterHost host =
        cluster.pick(
            hashing != null ? hashing.excluding(retry) : retry != null ? retry : PickContext.NONE);
    if (host == null) {
      noHealthyUpstream();
      return;
    }
    startAttempt(host);
  }

  /**
   * The current try's response head: retried if the policy says so (the try is abandoned),
   * otherwise it goes downstream and nothing is retried any more.
   */
  void onAttemptResponseHead(UpstreamAttempt current, HttpResponse response) {
    if (done) {
      return;
    }
    if (retry != null) {
      if (act(retry.onResponse(response.status().code(), response.headers()))) {
        return;
      }
    }
    stopRetrying();
    current.stopPerTryTimer();
    responseStarted = true;
    responseCode = response.status().code();
    if (upgradeRequested && responseCode == HttpResponseStatus.SWITCHING_PROTOCOLS.code()) {
      switchProtocols(response);
      return;
    }
    HttpHeaders h = response.headers();
    // Only a length is end-to-end; chunking (or HTTP/2 framing) is re-decided for the downstream.
    boolean lengthKnown = HttpUtil.isContentLengthSet(response);
    boolean bodyAllowed = !headRequest && responseCode != 204 && responseCode != 304;
    HopByHopHeaders.strip(h);
    h.set("x-envoy-upstream-service-time", Long.toString(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - upstreamSentNanos)));
    forward.responseEdits().apply(h);
    if (routeFilters != null) {
      routeFilters.addResponseHeaders(new NettyHeaders(h));
    }
    if (hashing != null) {
      hashing.addSetCookies(h);
    }
    if (filterRun != null) {
      filterRun.onResponse(response);
    }
    closeAfterResponse = !downstreamKeepAlive || downstream.closesAfterExchange();
    if (bodyAllowed && !lengthKnown) {
      if (request.protocolVersion().equals(HttpVersion.HTTP_1_1) && !closeAfterResponse) {
        HttpUtil.setTransferEncodingChunked(response, true);
        responseChunkedDownstream = true;
      } else {
        closeAfterResponse = true;
      }
    }
    if (closeAfterResponse) {
      h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    } else if (!request.protocolVersion().equals(HttpVersion.HTTP_1_1)) {
      h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
    }
    response.setProtocolVersion(HttpVersion.HTTP_1_1);
    responseHeaders = h;
    cluster.countResponse(responseCode);
    manager.stats().countResponse(responseCode);
    downstream.write(response);
  }

  /**
   * The upstream accepted the upgrade: the 101 goes downstream, then both connections become a raw
   * byte tunnel ({@link WebSocketTunnel}). Downstream, the slow-client timers, the HTTP codec, the
   * guard and this connection's handler leave the pipeline (the codec hands on any bytes it had
   * buffered); upstream, the connection stops speaking HTTP and is never pooled again. The route
   * timeout stops here; the request counts as finished (and is logged) when the tunnel closes.
   */
  private void switchProtocols(HttpResponse response) {
    downstream.routeTimer().clear(routeTimedOut);
    HttpHeaders h = response.headers();
    String protocol = h.get(HttpHeaderNames.UPGRADE, upgradeProtocol);
    HopByHopHeaders.strip(h);
    h.set(HttpHeaderNames.UPGRADE, protocol);
    h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE);
    h.set("x-envoy-upstream-service-time", Long.toString(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - upstreamSentNanos)));
    forward.responseEdits().apply(h);
    if (hashing != null) {
      hashing.addSetCookies(h);
    }
    if (filterRun != null) {
      filterRun.onResponse(response);
    }
    responseHeaders = h;
    cluster.countResponse(responseCode);
    manager.stats().countResponse(responseCode);
    FullHttpResponse switching =
        new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, response.status(), Unpooled.EMPTY_BUFFER);
    switching.headers().set(h);
    // Encoded synchronously: the bytes are in the outbound buffer before the codec goes.
    downstream.writeAndFlush(switching).addListener(closeOnFailure());

    UpstreamConnection upstream = attempt.connection();
    Channel down = downstream.connection();
    Channel up = upstream.channel();
    WebSocketTunnel tunnel =
        new WebSocketTunnel(down, up, new WebSocketTunnel.Listener() {
          @Override
          public void downstreamBytes(int n) {
            bytesReceived += n;
          }

          @Override
          public void upstreamBytes(int n) {
            bytesSent += n;
          }

          @Override
          public void tunnelClosed() {
            finishTunnel();
          }
        });
    upstream.startTunnel(tunnel.upstreamSide());
    downstream.becomeTunnel(tunnel.downstreamSide());
    tunnel.start();
  }

  private void finishTunnel() {
    if (done) {
      return;
    }
    done = true;
    endNanos = System.nanoTime();
    if (attempt != null) {
      attempt.end(false, false);
    }
    if (admitted) {
      cluster.finishRequest();
    }
    manager.accessLog().log(this);
  }

  /** A piece of the current try's response body. Ownership passes to the exchange. */
  void onAttemptResponseContent(UpstreamAttempt current, HttpContent content) {
    if (done) {
      content.release();
      return;
    }
    bytesSent += content.content().readableBytes();
    boolean last = content instanceof LastHttpContent;
    if (!last) {
      downstream.write(content);
      if (!downstream.isWritable()) {
        StreamReading.pause(current.connection().channel());
      }
      downstream.flush();
      return;
    }
    downstream.writeAndFlush(content).addListener(f -> {
      if (closeAfterResponse) {
        downstream.close();
      }
    });
    finish(false);
  }

  /**
   * The current try's connection closed or its stream was reset. Before the response head went
   * downstream: retried if the policy says so, else 503 UC; after: the downstream connection is
   * cut.
   */
  void onAttemptReset(UpstreamAttempt current, UpstreamResetReason reason, String detail) {
    if (done) {
      return;
    }
    if (!responseStarted) {
      RetryPolicy.UpstreamFailure failure =
          reason == UpstreamResetReason.REFUSED_STREAM
              ? RetryPolicy.UpstreamFailure.REFUSED_STREAM
              : RetryPolicy.UpstreamFailure.RESET;
      if (retryAfter(failure)) {
        return;
      }
      respondLocally(
          503,
          "upstream connect error or disconnect/reset before headers. reset reason: " + detail,
          null,
          ResponseFlags.UPSTREAM_CONNECTION_TERMINATION,
          forward.responseEdits());
    } else {
      // Headers already went out: the only honest signal left is to cut the connection.
      responseFlags = ResponseFlags.UPSTREAM_CONNECTION_TERMINATION;
      closeAfterResponse = true;
      finish(true);
      downstream.close();
    }
  }

  /** The current try's {@code per_try_timeout} expired before its response head: retry or 504 UT. */
  private void onPerTryTimeout(UpstreamAttempt timedOut) {
    if (done || timedOut != attempt || responseStarted) {
      return;
    }
    cluster.stats().perTryTimedOut();
    if (retryAfter(RetryPolicy.UpstreamFailure.PER_TRY_TIMEOUT)) {
      return;
    }
    respondLocally(504, "upstream request timeout", null, ResponseFlags.UPSTREAM_REQUEST_TIMEOUT, forward.responseEdits());
  }

  /** The current try's connection can take more (true) or wants the body to pause (false). */
  void onAttemptWritabilityChanged(boolean writable) {
    if (writable && !requestComplete) {
      downstream.resumeReading();
    } else if (!writable) {
      downstream.pauseReading();
    }
  }

  /** The downstream became writable again (true) or is backed up (false). */
  void onDownstreamWritabilityChanged(boolean writable) {
    if (!done && attempt != null && attempt.isConnected()) {
      if (writable) {
        StreamReading.resume(attempt.connection().channel());
      } else {
        StreamReading.pause(attempt.connection().channel());
      }
    }
  }

  /** The downstream connection went away before the exchange finished. */
  void onDownstreamClosed() {
    if (!done) {
      responseFlags = ResponseFlags.DOWNSTREAM_CONNECTION_TERMINATION;
      closeAfterResponse = true;
      finish(true);
    }
  }

  /** The route timeout, over every try and back-off: 504 UT, or a cut if the response started. */
  private void onTimeout() {
    if (done) {
      return;
    }
    manager.stats().timeouts.increment();
    cluster.stats().timedOut();
    if (attempt != null) {
      attempt.routeTimedOut();
    }
    if (!responseStarted) {
      respondLocally(504, "upstream request timeout", null, ResponseFlags.UPSTREAM_REQUEST_TIMEOUT, forward.responseEdits());
    } else {
      responseFlags = ResponseFlags.UPSTREAM_REQUEST_TIMEOUT;
      closeAfterResponse = true;
      finish(true);
      downstream.close();
    }
  }

  private void respondLocally(int status, String body, String location, String flags, RouteDecision.HeaderEdits edits) {
    responseFlags = flags;
    responseCode = status;
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    FullHttpResponse response =
        new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(status), Unpooled.wrappedBuffer(bytes));
    HttpHeaders h = response.headers();
    if (bytes.length > 0) {
      h.set(HttpHeaderNames.CONTENT_TYPE, "text/plain");
    }
    h.setInt(HttpHeaderNames.CONTENT_LENGTH, bytes.length);
    if (location != null) {
      h.set(HttpHeaderNames.LOCATION, location);
    }
    edits.apply(h);
    if (routeFilters != null) {
      routeFilters.addResponseHeaders(new NettyHeaders(h));
    }
    // Say why: the flags of a reply the proxy made itself go with it, and into the counters.
    String why = responseFlags();
    if (!ResponseFlags.NONE.equals(why)) {
      h.set(ResponseFlags.HEADER, why);
    }
    manager.stats().countLocalReply(why);
    responseHeaders = h;
    // An unread request body would be taken for the next request: close unless it is complete.
    closeAfterResponse =
        !downstreamKeepAlive || downstream.closesAfterExchange() || (!requestComplete && bodyExpected);
    if (closeAfterResponse) {
      h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    }
    manager.stats().countResponse(status);
    bytesSent += bytes.length;
    boolean close = closeAfterResponse;
    downstream.writeAndFlush(response).addListener(close ? closeWhenWritten() : closeOnFailure());
    finish(status >= 500);
  }

  /** Closes the downstream (the connection, or just the stream) once a write is done. */
  private ChannelFutureListener closeWhenWritten() {
    return f -> downstream.close();
  }

  /** Closes the downstream (the connection, or just the stream) if a write failed. */
  private ChannelFutureListener closeOnFailure() {
    return f -> {
      if (!f.isSuccess()) {
        downstream.close();
      }
    };
  }

  private void finish(boolean failed) {
    if (done) {
      return;
    }
    done = true;
    endNanos = System.nanoTime();
    downstream.routeTimer().clear(routeTimedOut);
    if (backOff != null) {
      backOff.cancel(false);
      backOff = null;
    }
    if (routeFilters != null) {
      routeFilters.cancel();
    }
    stopRetrying();
    if (mirrors != null) {
      mirrors.cancel();
      mirrors = null;
    }
    body.release();
    if (attempt != null) {
      // A try whose response did not complete here (or whose request did not) cannot be reused.
      boolean abandon = failed || !requestComplete || !responseStarted;
      UpstreamConnection upstream = attempt.connection();
      if (!abandon && upstream != null) {
        StreamReading.resume(upstream.channel());
      }
      attempt.end(failed || responseCode >= 500, abandon);
    }
    if (admitted) {
      cluster.finishRequest();
    }
    manager.accessLog().log(this);
    downstream.exchangeFinished(this, closeAfterResponse);
  }

  // Access-log fields (AccessLogFormat.Entry).

  @Override
  public long startEpochMillis() {
    return startEpochMillis;
  }

  @Override
  public long durationNanos() {
    return endNanos - startNanos;
  }

  @Override
  public String requestHeader(String name) {
    switch (name) {
      case ":method":
        return request.method().name();
      case ":path":
        return request.uri();
      case ":authority":
        return request.headers().get(HttpHeaderNames.HOST);
      default:
        return request.headers().get(name);
    }
  }

  @Override
  public String responseHeader(String name) {
    return responseHeaders == null ? null : responseHeaders.get(name);
  }

  @Override
  public String protocol() {
    return downstream.isHttp2() ? "HTTP/2" : request.protocolVersion().text();
  }

  @Override
  public int responseCode() {
    return responseCode;
  }

  @Override
  public String responseFlags() {
    String flags = ResponseFlags.withRetryFlags(responseFlags, retryOverflow, retryLimitExceeded);
    return routeFilters != null && routeFilters.delayInjected()
        ? ResponseFlags.with(flags, ResponseFlags.DELAY_INJECTED)
        : flags;
  }

  @Override
  public long bytesReceived() {
    return bytesReceived;
  }

  @Override
  public long bytesSent() {
    return bytesSent;
  }

  @Override
  public String upstreamHost() {
    return lastHost == null ? "-" : lastHost.endpoint().authority();
  }

  @Override
  public String upstreamCluster() {
    return cluster == null ? "-" : cluster.name();
  }

  @Override
  public String downstreamRemoteAddress() {
    return String.valueOf(downstream.connection().remoteAddress());
  }

  @Override
  public String downstreamPeerUriSan() {
    return PeerIdentity.of(downstream.connection()).map(p -> String.join(",", p.uriSans())).orElse(null);
  }

  @Override
  public String downstreamLocalUriSan() {
    return SessionUriSans.local(downstream.connection());
  }

  @Override
  public String upstreamPeerUriSan() {
    UpstreamConnection upstream = attempt == null ? null : attempt.connection();
    return upstream == null ? null : SessionUriSans.peer(upstream.channel());
  }
}
