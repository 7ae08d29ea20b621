package dev.bowline.proxy.http.hardening;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * An {@link EmbeddedChannel} with the hardened codec, the guard and, last, a handler that records
 * everything the guard would forward to the data path (and releases it).
 */
final class GuardHarness implements AutoCloseable {

  /** Bowline's defaults: Envoy's edge limits, normalization on, escaped slashes rejected. */
  static final Http1Hardening EDGE =
      new Http1Hardening(
          60,
          100,
          new PathNormalizer(
              true,
              true,
              dev.bowline.proxy.config.HttpConnectionManagerConfig.EscapedSlashesAction
                  .REJECT_REQUEST));

  final EmbeddedChannel channel = new EmbeddedChannel();
  /** Forwarded request heads, in order. */
  final List<HttpRequest> requests = new ArrayList<>();
  /** Every forwarded message, described: {@code REQ <method> <uri>}, {@code DATA <text>}, {@code LAST <text>}. */
  final List<String> forwarded = new ArrayList<>();
  /** User events that reached the end of the pipeline. */
  final List<Object> events = new ArrayList<>();

  GuardHarness() {
    this(EDGE);
  }

  GuardHarness(Http1Hardening hardening) {
    hardening.addTo(channel.pipeline());
    channel.pipeline().addLast("capture", new Capture());
  }

  GuardHarness(ChannelHandler codec, ChannelHandler guard) {
    channel.pipeline().addLast(codec, guard, new Capture());
  }

  /** Sends raw bytes (ISO-8859-1) as one read. */
  GuardHarness send(String raw) {
    channel.writeInbound(Unpooled.copiedBuffer(raw, StandardCharsets.ISO_8859_1));
    channel.runPendingTasks();
    return this;
  }

  /** The data path answers the oldest request: a complete response (a small body unless 1xx). */
  void respond(HttpResponseStatus status) {
    boolean informational = status.codeClass() == HttpStatusClass.INFORMATIONAL;
    DefaultFullHttpResponse response =
        new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1,
            status,
            informational
                ? Unpooled.EMPTY_BUFFER
                : Unpooled.copiedBuffer("ok", StandardCharsets.US_ASCII));
    if (!informational) {
      response.headers().set(HttpHeaderNames.CONTENT_LENGTH, 2);
    }
    channel.writeAndFlush(response);
    channel.runPendingTasks();
  }

  /** Everything written to the client so far, as text. */
  String output() {
    StringBuilder text = new StringBuilder();
    Object msg;
    while ((msg = channel.readOutbound()) != null) {
      ByteBuf buf = (ByteBuf) msg;
      text.append(buf.toString(StandardCharsets.ISO_8859_1));
      buf.release();
    }
    return text.toString();
  }

  List<GuardLocalReply> localReplies() {
    return events.stream()
        .filter(GuardLocalReply.class::isInstance)
        .map(GuardLocalReply.class::cast)
        .toList();
  }

  @Override
  public void close() {
    channel.finishAndReleaseAll();
  }

  private final class Capture extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      try {
        if (msg instanceof HttpRequest request) {
          requests.add(request);
          forwarded.add("REQ " + request.method() + " " + request.uri());
        }
        if (msg instanceof HttpContent content) {
          String text = content.content().toString(StandardCharsets.ISO_8859_1);
          forwarded.add((msg instanceof LastHttpContent ? "LAST " : "DATA ") + text);
        }
        if (!(msg instanceof HttpObject)) {
          forwarded.add("OTHER " + msg);
        }
      } finally {
        ReferenceCountUtil.release(msg);
      }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
      events.add(evt);
    }
  }
}
