package dev.bowline.proxy.http2;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.EncoderException;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpMessage;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpScheme;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2StreamFrame;
import io.netty.handler.codec.http2.HttpConversionUtil;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.PromiseCombiner;
import java.nio.channels.ClosedChannelException;
import java.util.List;
import java.util.function.Consumer;

/**
 * Translates one HTTP/2 stream's frames into the HTTP/1-shaped messages the data path reads (a
 * head, contents, a last content carrying trailers) and back. {@link Http2StreamCodec} runs it on
 * an upstream stream channel; {@link ServerStream} on a downstream stream, without a channel.
 *
 * <p><b>Inbound.</b> The first HEADERS frame becomes a request head (server side) or a response head
 * (client side) without Netty's {@code x-http2-*} translation headers, which describe one hop and
 * are never forwarded (a client's own copies are dropped the same way); a request's cookie fields
 * are joined into one {@code cookie} header. A head whose frame ends the stream is followed by an
 * empty {@link LastHttpContent}; a head whose body follows and that has no {@code content-length}
 * is marked {@code transfer-encoding: chunked}, so the data path knows a body comes. DATA frames
 * become contents (the frame's buffer changes hands, nothing is copied); a later HEADERS frame is
 * the trailers, as a last content. A {@code 100 Continue} response is one full message. Other
 * frames pass through unchanged.
 *
 * <p><b>Outbound.</b> Heads, contents and last contents become HEADERS and DATA frames; trailers a
 * HEADERS frame that ends the stream. A head is held until the next write or flush: followed by an
 * empty last content without trailers it is sent as one HEADERS frame with END_STREAM. For gRPC that
 * matters: a Trailers-Only response (an error status in the only HEADERS frame) must end the stream
 * on that frame, or gRPC clients report an internal error instead of the status. A bodiless request
 * goes upstream the same way. Requests carry the {@code :scheme} given ({@code http} by default).
 *
 * <p>Header translation itself is Netty's ({@link HttpConversionUtil}).
 *
 * <p><b>Threading.</b> One instance per stream, on its event loop; not thread-safe.
 */
final class StreamTranslator {

  /** Where the translated frames of one stream go. */
  interface FrameOutput {

    /** Writes a frame of this stream (the stream is set by the output). */
    ChannelFuture write(Http2StreamFrame frame, ChannelPromise promise);

    /** A fresh promise for a frame that is part of a larger write. */
    ChannelPromise newPromise();

    /** The event loop, for combining promises. */
    EventExecutor executor();
  }

  /** Frames written through a handler context, as they are. */
  static class ContextOutput implements FrameOutput {
    final ChannelHandlerContext ctx;

    ContextOutput(ChannelHandlerContext ctx) {
      this.ctx = ctx;
    }

    @Override
    public ChannelFuture write(Http2StreamFrame frame, ChannelPromise promise) {
      return ctx.write(frame, promise);
    }

    @Override
    public ChannelPromise newPromise() {
      return ctx.newPromise();
    }

    @Override
    public EventExecutor executor() {
      return ctx.executor();
    }
  }

  private final boolean server;
  private HttpScheme scheme = HttpScheme.HTTP;
  /** A head has been read: a later HEADERS frame carries trailers. */
  private boolean headRead;
  private HttpMessage held;
  private ChannelPromise heldPromise;

  /** @param server true on a downstream stream (requests in, responses out), false upstream */
  StreamTranslator(boolean server) {
    this.server = server;
  }

  /** The {@code :scheme} that requests written on this stream carry. */
  void scheme(HttpScheme scheme) {
    this.scheme = scheme;
  }

  // ---- inbound

  /**
   * Translates a frame read on the stream and passes the messages it makes to {@code out}; the
   * frame's buffer, if any, changes hands.
   *
   * @throws Http2Exception when a HEADERS frame cannot be translated (a malformed message)
   */
  void read(Object frame, Consumer<Object> out) throws Http2Exception {
    if (frame instanceof Http2HeadersFrame headers) {
      readHeaders(headers, out);
    } else if (frame instanceof Http2DataFrame data) {
      ByteBuf content = data.content(); // the frame's only reference changes hands
      out.accept(data.isEndStream() ? new DefaultLastHttpContent(content) : new DefaultHttpContent(content));
    } else {
      out.accept(frame);
    }
  }

  private void readHeaders(Http2HeadersFrame frame, Consumer<Object> out) throws Http2Exception {
    Http2Headers headers = frame.headers();
    int id = frame.stream() == null ? 0 : frame.stream().id();
    CharSequence status = headers.status();
    if (headRead || (frame.isEndStream() && headers.method() == null && status == null)) {
      LastHttpContent trailers = new DefaultLastHttpContent(Unpooled.EMPTY_BUFFER);
      HttpConversionUtil.addHttp2ToHttpHeaders(
          id, headers, trailers.trailingHeaders(), HttpVersion.HTTP_1_1, true, true);
      out.accept(trailers);
      return;
    }
    HttpMessage head =
        server
            ? HttpConversionUtil.toHttpRequest(id, headers, true)
            : HttpConversionUtil.toHttpResponse(id, headers, true);
    TranslationHeaders.strip(head.headers());
    if (server) {
      joinCookies(head);
    }
    if (!server && HttpResponseStatus.CONTINUE.codeAsText().contentEquals(status)) {
      HttpResponse response = (HttpResponse) head;
      out.accept(
          new DefaultFullHttpResponse(
              response.protocolVersion(),
              response.status(),
              Unpooled.EMPTY_BUFFER,
              response.headers(),
              DefaultHttpHeadersFactory.trailersFactory().newHeaders()));
      return;
    }
    headRead = !(head instanceof HttpResponse response)
        || response.status().codeClass() != HttpStatusClass.INFORMATIONAL;
    if (frame.isEndStream()) {
      out.accept(head);
      out.accept(new DefaultLastHttpContent(Unpooled.EMPTY_BUFFER));
      return;
    }
    if (!HttpUtil.isContentLengthSet(head)) {
      head.headers().add(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
    }
    out.accept(head);
  }

  /**
   * HTTP/2 clients may send each cookie in its own field; towards HTTP/1.1 they travel as one {@code
   * cookie} header joined with {@code "; "} (RFC 9113, section 8.2.3), as Envoy sends them.
   */
  private static void joinCookies(HttpMessage head) {
    List<String> cookies = head.headers().getAll(HttpHeaderNames.COOKIE);
    if (cookies.size() > 1) {
      head.headers().set(HttpHeaderNames.COOKIE, String.join("; ", cookies));
    }
  }

  // ---- outbound

  /**
   * Whether {@code msg} is translated by {@link #write} (an HTTP message or content); anything
   * else is the caller's to pass on.
   */
  static boolean translates(Object msg) {
    return msg instanceof HttpMessage || msg instanceof HttpContent;
  }

  /** Writes an HTTP message or content as frames (see the class comment); the message changes hands. */
  void write(Object msg, ChannelPromise promise, FrameOutput out) {
    if (held != null) {
      if (msg instanceof LastHttpContent last
          && !(msg instanceof FullHttpMessage)
          && !last.content().isReadable()
          && last.trailingHeaders().isEmpty()) {
        HttpMessage head = held;
        ChannelPromise headPromise = heldPromise;
        held = null;
        heldPromise = null;
        last.release();
        ChannelPromise both = out.newPromise();
        both.addListener(f -> {
          complete(headPromise, f);
          complete(promise, f);
        });
        try {
          out.write(new DefaultHttp2HeadersFrame(toHttp2Headers(head), true), both);
        } catch (RuntimeException e) {
          both.tryFailure(e);
        }
        return;
      }
      writeHeld(out);
    }
    if (msg instanceof HttpMessage head && !(msg instanceof FullHttpMessage) && !isInformational(head)) {
      held = head;
      heldPromise = promise;
      return;
    }
    try {
      writeFrames(msg, promise, out);
    } catch (RuntimeException e) {
      ReferenceCountUtil.release(msg);
      promise.tryFailure(e);
    }
  }

  private void writeFrames(Object msg, ChannelPromise promise, FrameOutput out) {
    if (msg instanceof HttpResponse response && response.status().code() == HttpResponseStatus.CONTINUE.code()) {
      if (!(msg instanceof FullHttpResponse)) {
        throw new EncoderException("100 Continue must be a FullHttpResponse");
      }
      ReferenceCountUtil.release(msg);
      out.write(new DefaultHttp2HeadersFrame(toHttp2Headers(response), false), promise);
      return;
    }
    if (msg instanceof FullHttpMessage full) {
      boolean bodyless = !full.content().isReadable() && full.trailingHeaders().isEmpty();
      Http2Headers headers = toHttp2Headers(full);
      if (bodyless) {
        full.release();
        out.write(new DefaultHttp2HeadersFrame(headers, true), promise);
        return;
      }
      PromiseCombiner all = new PromiseCombiner(out.executor());
      all.add(out.write(new DefaultHttp2HeadersFrame(headers, false), out.newPromise()));
      writeLast(full, all, out);
      all.finish(promise);
      return;
    }
    if (msg instanceof HttpMessage head) {
      // An informational head (103 Early Hints): its own HEADERS frame, the stream goes on.
      out.write(new DefaultHttp2HeadersFrame(toHttp2Headers(head), false), promise);
      return;
    }
    if (msg instanceof LastHttpContent last) {
      PromiseCombiner all = new PromiseCombiner(out.executor());
      // A last content that follows a head always ends the stream, if only with an empty DATA frame.
      writeLast(last, all, out);
      all.finish(promise);
      return;
    }
    out.write(new DefaultHttp2DataFrame(((HttpContent) msg).content(), false), promise);
  }

  /** Writes a last content's body and trailers; the message's buffer changes hands. */
  private static void writeLast(LastHttpContent last, PromiseCombiner all, FrameOutput out) {
    boolean trailers = !last.trailingHeaders().isEmpty();
    ByteBuf content = last.content();
    if (content.isReadable() || (!trailers && !(last instanceof FullHttpMessage))) {
      all.add(out.write(new DefaultHttp2DataFrame(content, !trailers), out.newPromise()));
    } else {
      content.release();
    }
    if (trailers) {
      all.add(
          out.write(
              new DefaultHttp2HeadersFrame(HttpConversionUtil.toHttp2Headers(last.trailingHeaders(), true), true),
              out.newPromise()));
    }
  }

  private Http2Headers toHttp2Headers(HttpMessage head) {
    if (head instanceof HttpRequest) {
      head.headers().set(HttpConversionUtil.ExtensionHeaderNames.SCHEME.text(), scheme.name());
    }
    return HttpConversionUtil.toHttp2Headers(head, true);
  }

  /** Writes a held head on its own (a flush, or a close, comes before its body). */
  void writeHeld(FrameOutput out) {
    if (held == null) {
      return;
    }
    HttpMessage head = held;
    ChannelPromise promise = heldPromise;
    held = null;
    heldPromise = null;
    try {
      out.write(new DefaultHttp2HeadersFrame(toHttp2Headers(head), false), promise);
    } catch (RuntimeException e) {
      promise.tryFailure(e);
    }
  }

  /** The stream is gone: a held head holds no buffer, only its promise is left to fail. */
  void dropHeld() {
    if (held != null) {
      ChannelPromise promise = heldPromise;
      held = null;
      heldPromise = null;
      if (!promise.isVoid()) {
        promise.tryFailure(new ClosedChannelException());
      }
    }
  }

  private static boolean isInformational(HttpMessage head) {
    return head instanceof HttpResponse response
        && response.status().codeClass() == HttpStatusClass.INFORMATIONAL;
  }

  private static void complete(ChannelPromise promise, io.netty.util.concurrent.Future<?> result) {
    if (promise.isVoid()) {
      return;
    }
    if (result.isSuccess()) {
      promise.trySuccess();
    } else {
      promise.tryFailure(result.cause());
    }
  }
}
