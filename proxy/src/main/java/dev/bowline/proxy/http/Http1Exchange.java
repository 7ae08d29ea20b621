package dev.bowline.proxy.http;

import dev.bowline.proxy.http.hardening.Http1Hardening;
import dev.bowline.proxy.http2.StreamReading;
import dev.bowline.proxy.upstream.Cluster;
import dev.bowline.proxy.upstream.ClusterHost;
import dev.bowline.proxy.upstream.PoolCallback;
import dev.bowline.proxy.upstream.UpstreamConnection;
import dev.bowline.proxy.upstream.UpstreamListener;
import dev.bowline.spi.lb.PickContext;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelHandlerContext;
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
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One HTTP/1.1 request and its response through the proxy: route, pick a host, take a pooled
 * connection on the same event loop, stream the request body up and the response down with
 * backpressure both ways, or answer locally with an Envoy response flag.
 *
 * <p><b>Threading.</b> Confined to the downstream connection's event loop, which is also the
 * upstream connection's.
 */
final class Http1Exchange implements UpstreamListener, PoolCallback, AccessLogFormat.Entry {

  private final Http1ServerConnection connection;
  private final HttpConnectionManager manager;
  private final ChannelHandlerContext ctx;
  private final HttpRequest request;
  private final boolean downstreamKeepAlive;
  private final boolean headRequest;
  private final boolean bodyExpected;
  private final long startNanos;
  private final long startEpochMillis;
  private long endNanos;
  private HttpHeaders responseHeaders;
  private final ArrayDeque<HttpContent> pendingBody = new ArrayDeque<>();

  private RouteDecision.Forward forward;
  private FilterRun filterRun;
  private Cluster cluster;
  private ClusterHost host;
  private boolean admitted;
  private UpstreamConnection upstream;
  private boolean requestComplete;
  private boolean responseStarted;
  private boolean responseChunkedDownstream;
  private boolean closeAfterResponse;
  private boolean done;
  private long upstreamSentNanos;
  private ScheduledFuture<?> timeout;
  /** The request asks for a WebSocket upgrade (HTTP/1.1 downstream only). */
  private boolean upgradeRequested;
  private String upgradeProtocol;

  private int responseCode;
  private String responseFlags = ResponseFlags.NONE;
  private long bytesReceived;
  private long bytesSent;

  Http1Exchange(
      Http1ServerConnection connection,
      HttpConnectionManager manager,
      ChannelHandlerContext ctx,
      HttpRequest request) {
    this.connection = connection;
    this.manager = manager;
    this.ctx = ctx;
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
    connection.pauseReading();
    filterRun =
        new FilterRun(
            manager.filters(),
            new FilterRequestHead(request, connection.scheme()),
            ctx.channel().eventLoop(),
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
    RouteDecision decision = manager.router().decide(request, ctx.channel(), connection.scheme());
    if (decision instanceof RouteDecision.NoRoute) {
      manager.stats().noRoute.increment();
      respondLocally(HttpResponseStatus.NOT_FOUND.code(), "", null, ResponseFlags.NO_ROUTE, RouteDecision.HeaderEdits.NONE);
      return;
    }
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
    host = cluster.pick(PickContext.NONE);
    if (host == null) {
      cluster.stats().noHealthyHost();
      respondLocally(503, "no healthy upstream", null, ResponseFlags.NO_HEALTHY_UPSTREAM, forward.responseEdits());
      return;
    }
    host.requestStarted();
    request.setUri(forward.path());
    request.headers().set(HttpHeaderNames.HOST, forward.authority());
    long timeoutMs = forward.timeout().toMillis();
    if (timeoutMs > 0) {
      request.headers().set("x-envoy-expected-rq-timeout-ms", Long.toString(timeoutMs));
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
      ctx.writeAndFlush(
          new io.netty.handler.codec.http.DefaultFullHttpResponse(
              HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE, Unpooled.EMPTY_BUFFER));
    }
    // Hold the body until a connection is ready; stop reading more meanwhile.
    connection.pauseReading();
    cluster.pool(ctx.channel().eventLoop(), manager.connector()).acquire(host, this);
  }

  private void prepareRequestHeaders() {
    HttpHeaders h = request.headers();
    upgradeRequested =
        !connection.isStream()
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
      InetSocketAddress peer = (InetSocketAddress) ctx.channel().remoteAddress();
      String client = peer.getAddress().getHostAddress();
      String xff = h.get("x-forwarded-for");
      h.set("x-forwarded-for", xff == null || xff.isBlank() ? client : xff + ", " + client);
      h.set("x-forwarded-proto", connection.scheme());
      h.set("x-envoy-external-address", client);
    } else if (!h.contains("x-forwarded-proto")) {
      h.set("x-forwarded-proto", connection.scheme());
    }
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
    } else if (upstream != null) {
      upstream.channel().write(content);
      if (last) {
        upstream.channel().flush();
      }
      // else flushed at the end of this read (flushUpstream)
    } else {
      pendingBody.add(content);
    }
    if (last) {
      requestComplete = true;
      if (upstream != null) {
        upstreamRequestSent();
      }
    }
  }

  /** Flushes body pieces written upstream during the current read. */
  void flushUpstream() {
    if (upstream != null && !done) {
      upstream.channel().flush();
    }
  }

  @Override
  public void onReady(UpstreamConnection connection) {
    if (done) {
      // Answered meanwhile (downstream reset, timeout): the connection or stream is not needed.
      connection.abandon();
      return;
    }
    upstream = connection;
    connection.bind(this);
    upstreamSentNanos = System.nanoTime();
    connection.channel().write(request);
    HttpContent c;
    while ((c = pendingBody.poll()) != null) {
      connection.channel().write(c);
    }
    connection.channel().flush();
    if (requestComplete) {
      upstreamRequestSent();
    } else if (connection.channel().isWritable()) {
      this.connection.resumeReading();
    }
  }

  private void upstreamRequestSent() {
    upstream.requestSent();
    long timeoutMs = forward.timeout().toMillis();
    if (timeoutMs > 0 && timeout == null && !done) {
      timeout = ctx.channel().eventLoop().schedule(this::onTimeout, timeoutMs, TimeUnit.MILLISECONDS);
    }
  }

  @Override
  public void onFailure(boolean overflow, String detail) {
    if (done) {
      return;
    }
    respondLocally(
        503,
        "upstream connect error or disconnect/reset before headers. reset reason: " + (overflow ? "overflow" : detail),
        null,
        overflow ? ResponseFlags.UPSTREAM_OVERFLOW : ResponseFlags.UPSTREAM_CONNECTION_FAILURE,
        forward.responseEdits());
  }

  @Override
  public void onResponseHead(HttpResponse response) {
    if (done) {
      return;
    }
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
    if (filterRun != null) {
      filterRun.onResponse(response);
    }
    closeAfterResponse = !downstreamKeepAlive || connection.isDraining();
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
    ctx.write(response);
  }

  /**
   * The upstream accepted the upgrade: the 101 goes downstream, then both connections become a raw
   * byte tunnel ({@link WebSocketTunnel}). Downstream, the slow-client timers, the HTTP codec, the
   * guard and this connection's handler leave the pipeline (the codec hands on any bytes it had
   * buffered); upstream, the connection stops speaking HTTP and is never pooled again. The route
   * timeout stops here; the request counts as finished (and is logged) when the tunnel closes.
   */
  private void switchProtocols(HttpResponse response) {
    if (timeout != null) {
      timeout.cancel(false);
      timeout = null;
    }
    HttpHeaders h = response.headers();
    String protocol = h.get(HttpHeaderNames.UPGRADE, upgradeProtocol);
    HopByHopHeaders.strip(h);
    h.set(HttpHeaderNames.UPGRADE, protocol);
    h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE);
    h.set("x-envoy-upstream-service-time", Long.toString(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - upstreamSentNanos)));
    forward.responseEdits().apply(h);
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
    ctx.writeAndFlush(switching).addListener(ChannelFutureListener.CLOSE_ON_FAILURE);

    Channel down = ctx.channel();
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
    ChannelPipeline p = down.pipeline();
    p.addLast("bowline-tunnel", tunnel.downstreamSide());
    upstream.startTunnel(tunnel.upstreamSide());
    if (p.get(Http1ConnectionTimers.NAME) != null) {
      p.remove(Http1ConnectionTimers.NAME);
    }
    if (p.get(Http1Hardening.GUARD_NAME) != null) {
      p.remove(Http1Hardening.GUARD_NAME);
    }
    p.remove(connection);
    if (p.get(Http1Hardening.CODEC_NAME) != null) {
      // Last: bytes the decoder still holds are handed on, to the tunnel.
      p.remove(Http1Hardening.CODEC_NAME);
    }
    tunnel.start();
  }

  private void finishTunnel() {
    if (done) {
      return;
    }
    done = true;
    endNanos = System.nanoTime();
    if (host != null) {
      host.requestFinished(false);
    }
    if (admitted) {
      cluster.finishRequest();
    }
    manager.accessLog().log(this);
  }

  @Override
  public void onResponseContent(HttpContent content) {
    if (done) {
      content.release();
      return;
    }
    bytesSent += content.content().readableBytes();
    boolean last = content instanceof LastHttpContent;
    if (!last) {
      ctx.write(content);
      if (!ctx.channel().isWritable()) {
        StreamReading.pause(upstream.channel());
      }
      ctx.flush();
      return;
    }
    ctx.writeAndFlush(content).addListener(f -> {
      if (closeAfterResponse) {
        ctx.close();
      }
    });
    finish(false);
  }

  @Override
  public void onUpstreamReset(String reason) {
    if (done) {
      return;
    }
    if (!responseStarted) {
      respondLocally(
          503,
          "upstream connect error or disconnect/reset before headers. reset reason: " + reason,
          null,
          ResponseFlags.UPSTREAM_CONNECTION_TERMINATION,
          forward.responseEdits());
    } else {
      // Headers already went out: the only honest signal left is to cut the connection.
      responseFlags = ResponseFlags.UPSTREAM_CONNECTION_TERMINATION;
      closeAfterResponse = true;
      finish(true);
      ctx.close();
    }
  }

  @Override
  public void onUpstreamWritabilityChanged(boolean writable) {
    if (writable && !requestComplete) {
      connection.resumeReading();
    } else if (!writable) {
      connection.pauseReading();
    }
  }

  /** The downstream became writable again (true) or is backed up (false). */
  void onDownstreamWritabilityChanged(boolean writable) {
    if (upstream != null && !done) {
      if (writable) {
        StreamReading.resume(upstream.channel());
      } else {
        StreamReading.pause(upstream.channel());
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

  private void onTimeout() {
    if (done) {
      return;
    }
    manager.stats().timeouts.increment();
    cluster.stats().timedOut();
    if (!responseStarted) {
      respondLocally(504, "upstream request timeout", null, ResponseFlags.UPSTREAM_REQUEST_TIMEOUT, forward.responseEdits());
    } else {
      responseFlags = ResponseFlags.UPSTREAM_REQUEST_TIMEOUT;
      closeAfterResponse = true;
      finish(true);
      ctx.close();
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
    responseHeaders = h;
    // An unread request body would be taken for the next request: close unless it is complete.
    closeAfterResponse =
        !downstreamKeepAlive || connection.isDraining() || (!requestComplete && bodyExpected);
    if (closeAfterResponse) {
      h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    }
    manager.stats().countResponse(status);
    bytesSent += bytes.length;
    boolean close = closeAfterResponse;
    ctx.writeAndFlush(response).addListener(close ? ChannelFutureListener.CLOSE : ChannelFutureListener.CLOSE_ON_FAILURE);
    finish(status >= 500);
    if (upstream != null) {
      upstream.abandon();
    }
  }

  private void finish(boolean failed) {
    if (done) {
      return;
    }
    done = true;
    endNanos = System.nanoTime();
    if (timeout != null) {
      timeout.cancel(false);
    }
    HttpContent c;
    while ((c = pendingBody.poll()) != null) {
      ReferenceCountUtil.release(c);
    }
    if (upstream != null && (failed || !requestComplete)) {
      upstream.abandon();
    } else if (upstream != null) {
      StreamReading.resume(upstream.channel());
    }
    if (host != null) {
      host.requestFinished(failed || responseCode >= 500);
    }
    if (admitted) {
      cluster.finishRequest();
    }
    manager.accessLog().log(this);
    connection.exchangeFinished(this, closeAfterResponse);
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
    return connection.isStream() ? "HTTP/2" : request.protocolVersion().text();
  }

  @Override
  public int responseCode() {
    return responseCode;
  }

  @Override
  public String responseFlags() {
    return responseFlags;
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
    return host == null ? "-" : host.endpoint().authority();
  }

  @Override
  public String upstreamCluster() {
    return cluster == null ? "-" : cluster.name();
  }

  @Override
  public String downstreamRemoteAddress() {
    return String.valueOf(ctx.channel().remoteAddress());
  }
}
