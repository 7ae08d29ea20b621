package dev.bowline.proxy.http.hardening;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import java.util.concurrent.TimeUnit;

/**
 * Vets every HTTP/1 request before anything of it is forwarded. Sits right after a {@link
 * HardenedHttpServerCodec} (install both with {@link Http1Hardening}); what it passes on is a
 * {@link GuardedHttpRequest} (normalized target, trusted Host) and the request's content, in order.
 *
 * <p><b>Refused requests.</b> A request that breaks a rule ({@link Http1Violation}: a decoder
 * failure, Content-Length with Transfer-Encoding, bad or duplicate Content-Length, a transfer
 * coding other than {@code chunked}, header size or count limits, obs-fold, a version other than
 * 1.0/1.1, missing or duplicate Host, an invalid Host or target, CONNECT) is answered here with its
 * status, {@code Content-Length: 0} and {@code Connection: close}, and the connection is closed
 * after the reply is written. From that moment every inbound message is released unread, so
 * neither the refused request, its body, nor anything pipelined behind it (a smuggled request)
 * reaches the next handler. The reply is kept in order: if responses to earlier pipelined
 * requests are still being written, it is written right after the last of them (the guard watches
 * the responses going out). After writing, a socket channel is half-closed and its input drained
 * for up to {@value #LINGER_MILLIS} ms (Envoy's {@code delayed_close_timeout}), so the client reads
 * the reply instead of a reset. Each local reply is announced with a {@link GuardLocalReply} user
 * event, for stats and access logs.
 *
 * <p><b>Path redirects.</b> With {@code UNESCAPE_AND_REDIRECT}, a path holding escaped slashes is
 * answered here with {@code 307} and {@code Location: <normalized path>}, like Envoy, in order, and
 * the connection is then closed like after a rejection (this keeps the ordering simple; the case
 * is rare).
 *
 * <p><b>A failure inside a body</b> (e.g. a malformed chunk) after the head was forwarded: the rest
 * is dropped; if no response to that request has started, the guard answers 400, otherwise it
 * closes the connection. Either way a {@link GuardLocalReply} event tells the data path to abort
 * the exchange in flight.
 *
 * <p><b>The original path.</b> Unlike the brief's suggestion, no {@code x-envoy-original-path} is
 * added when normalization changes the path: Envoy sets that header only for route rewrites, not
 * for normalization, and forwarding the raw path would hand the upstream the ambiguous form that
 * normalization exists to remove. The raw target stays available as {@link
 * GuardedHttpRequest#originalUri()}. Client-sent {@code x-envoy-*} headers are left to the
 * connection manager's header sanitation.
 *
 * <p><b>Upgrades.</b> Once a {@code 101} response has been written the guard passes everything
 * through; remove it together with the codec when switching protocols. Messages that are not
 * {@link HttpObject}s always pass through (unless the connection is being closed).
 *
 * <p><b>Threading.</b> One instance per channel (not sharable), used only on that channel's event
 * loop.
 */
public final class Http1RequestGuard extends ChannelDuplexHandler {

  /** How long a rejected connection stays half-open to drain the client's input. */
  public static final long LINGER_MILLIS = 1000;

  private final RequestHeadRules rules;
  private final PathNormalizer normalizer;

  private boolean closing;
  private boolean upgraded;
  private boolean forwardingBody;
  private long requestsForwarded;
  private long responsesStarted;
  private long responsesCompleted;
  private boolean informationalResponse;
  private HttpResponseStatus deferredStatus;
  private String deferredLocation;

  /**
   * @param maxRequestHeaderBytes the most bytes the request line and header block may take
   *     together ({@code max_request_headers_kb} × 1024)
   * @param maxHeadersCount the most header fields a request may carry
   * @param normalizer the path normalizer of the connection manager
   */
  public Http1RequestGuard(
      int maxRequestHeaderBytes, int maxHeadersCount, PathNormalizer normalizer) {
    this(new RequestHeadRules(maxRequestHeaderBytes, maxHeadersCount), normalizer);
  }

  Http1RequestGuard(RequestHeadRules rules, PathNormalizer normalizer) {
    this.rules = rules;
    this.normalizer = normalizer;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (closing) {
      ReferenceCountUtil.release(msg);
    } else if (upgraded || !(msg instanceof HttpObject)) {
      ctx.fireChannelRead(msg);
    } else if (msg instanceof HttpRequest request) {
      if (!forwardHead(ctx, request)) {
        ReferenceCountUtil.release(request);
      }
    } else if (msg instanceof HttpContent content) {
      onContent(ctx, content);
    } else {
      ctx.fireChannelRead(msg);
    }
  }

  /** Forwards the vetted head, or answers it; {@code false} when the head was not forwarded. */
  private boolean forwardHead(ChannelHandlerContext ctx, HttpRequest request) {
    Http1Violation violation =
        request.decoderResult().isFailure()
            ? DecoderFailures.classify(request, request.decoderResult().cause())
            : rules.check(request);
    if (violation != null) {
      return reject(ctx, violation, violation.details());
    }
    String received = request.uri();
    String originForm = received;
    String authority = null;
    if (!received.isEmpty() && received.charAt(0) != '/' && !"*".equals(received)) {
      AbsoluteFormTarget absolute = AbsoluteFormTarget.parse(received);
      if (absolute == null) {
        return reject(ctx, Http1Violation.INVALID_URL, Http1Violation.INVALID_URL.details());
      }
      if (absolute.https() && ctx.pipeline().get(SslHandler.class) == null) {
        return reject(
            ctx,
            Http1Violation.HTTPS_URL_ON_PLAINTEXT,
            Http1Violation.HTTPS_URL_ON_PLAINTEXT.details());
      }
      authority = absolute.authority();
      originForm = absolute.originForm();
    }
    String host = authority != null ? authority : request.headers().get(HttpHeaderNames.HOST);
    if (host != null && !HostAuthority.isValid(host)) {
      return reject(ctx, Http1Violation.INVALID_HOST, Http1Violation.INVALID_HOST.details());
    }
    PathNormalization path = normalizer.normalize(originForm, request.method());
    if (path.outcome() == PathNormalization.Outcome.REJECT) {
      return reject(ctx, Http1Violation.INVALID_PATH, path.rejection().details());
    }
    if (path.outcome() == PathNormalization.Outcome.REDIRECT) {
      localReply(
          ctx,
          new GuardLocalReply(
              HttpResponseStatus.TEMPORARY_REDIRECT, "path_normalization_redirect", null, false),
          path.target());
      return false;
    }
    if (authority != null) {
      request.headers().set(HttpHeaderNames.HOST, authority);
    }
    requestsForwarded++;
    forwardingBody = true;
    ctx.fireChannelRead(new GuardedHttpRequest(request, path.target(), received));
    return true;
  }

  private void onContent(ChannelHandlerContext ctx, HttpContent content) {
    if (content.decoderResult().isFailure()) {
      Http1Violation violation = DecoderFailures.classify(content, content.decoderResult().cause());
      content.release();
      failInsideBody(ctx, violation);
      return;
    }
    if (!forwardingBody) {
      content.release();
      return;
    }
    if (content instanceof LastHttpContent) {
      forwardingBody = false;
    }
    ctx.fireChannelRead(content);
  }

  private boolean reject(ChannelHandlerContext ctx, Http1Violation violation, String details) {
    localReply(ctx, new GuardLocalReply(violation.status(), details, violation, false), null);
    return false;
  }

  private void localReply(ChannelHandlerContext ctx, GuardLocalReply reply, String location) {
    closing = true;
    ctx.fireUserEventTriggered(reply);
    if (responsesCompleted >= requestsForwarded) {
      writeReplyAndClose(ctx, reply.status(), location);
    } else {
      deferredStatus = reply.status();
      deferredLocation = location;
    }
  }

  private void failInsideBody(ChannelHandlerContext ctx, Http1Violation violation) {
    closing = true;
    forwardingBody = false;
    ctx.fireUserEventTriggered(
        new GuardLocalReply(violation.status(), violation.details(), violation, true));
    long earlier = requestsForwarded - 1;
    if (responsesStarted == earlier && responsesCompleted == earlier) {
      writeReplyAndClose(ctx, violation.status(), null);
    } else {
      ctx.channel().close();
    }
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    boolean completesResponse = false;
    if (!upgraded && msg instanceof HttpObject) {
      if (msg instanceof HttpResponse response) {
        HttpResponseStatus status = response.status();
        informationalResponse = status.codeClass() == HttpStatusClass.INFORMATIONAL;
        if (status.code() == HttpResponseStatus.SWITCHING_PROTOCOLS.code()) {
          upgraded = true;
        } else if (!informationalResponse) {
          responsesStarted++;
        }
      }
      if (msg instanceof LastHttpContent && !informationalResponse) {
        responsesCompleted++;
        completesResponse = true;
      }
    }
    ctx.write(msg, promise);
    if (completesResponse && deferredStatus != null && responsesCompleted >= requestsForwarded) {
      HttpResponseStatus status = deferredStatus;
      deferredStatus = null;
      writeReplyAndClose(ctx, status, deferredLocation);
    }
  }

  private static void writeReplyAndClose(
      ChannelHandlerContext ctx, HttpResponseStatus status, String location) {
    FullHttpResponse response =
        new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.EMPTY_BUFFER);
    response
        .headers()
        .set(HttpHeaderNames.CONTENT_LENGTH, HttpHeaderValues.ZERO)
        .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    if (location != null) {
      response.headers().set(HttpHeaderNames.LOCATION, location);
    }
    ctx.writeAndFlush(response)
        .addListener((ChannelFutureListener) future -> closeAfterReply(future.channel()));
  }

  private static void closeAfterReply(Channel channel) {
    if (channel instanceof DuplexChannel duplex && channel.isActive()) {
      duplex.shutdownOutput();
      channel.config().setAutoRead(true);
      channel.eventLoop().schedule(() -> channel.close(), LINGER_MILLIS, TimeUnit.MILLISECONDS);
    } else {
      channel.close();
    }
  }
}
