package dev.bowline.proxy.http2;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bowline.proxy.config.HttpConnectionManagerConfig.EscapedSlashesAction;
import dev.bowline.proxy.http.hardening.GuardLocalReply;
import dev.bowline.proxy.http.hardening.PathNormalizer;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.DefaultHttp2ResetFrame;
import io.netty.handler.codec.http2.DefaultHttp2SettingsFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2FrameStream;
import io.netty.handler.codec.http2.Http2FrameStreamException;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2ResetFrame;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2SettingsFrame;
import io.netty.handler.codec.http2.Http2Stream;
import io.netty.handler.codec.http2.Http2WindowUpdateFrame;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The downstream streams of an HTTP/2 connection without child channels: frames in, HTTP/1-shaped
 * messages to the data path's handler, its response back out as frames of the stream, flow control,
 * and the ways a stream ends. The frame codec is left out: frames are written in and read out of
 * an embedded channel as the codec would pass them.
 */
class Http2ServerStreamsTest {

  /** A stream as the codec would name it. */
  private record TestStream(int id) implements Http2FrameStream {
    @Override
    public Http2Stream.State state() {
      return Http2Stream.State.OPEN;
    }
  }

  /** The data path's handler of one stream: records what it hears. */
  private static final class Recorder implements ServerStream.Handler {
    final ServerStream stream;
    final List<Object> received = new ArrayList<>();
    final List<GuardLocalReply> refusals = new ArrayList<>();
    int readCompletes;
    int closes;
    Boolean lastWritability;

    Recorder(ServerStream stream) {
      this.stream = stream;
    }

    @Override
    public void onHead(HttpRequest request) {
      received.add(request);
    }

    @Override
    public void onContent(HttpContent content) {
      received.add(content);
    }

    @Override
    public void onReadComplete() {
      readCompletes++;
    }

    @Override
    public void onWritabilityChanged(boolean writable) {
      lastWritability = writable;
    }

    @Override
    public void onRefused(GuardLocalReply reply) {
      refusals.add(reply);
    }

    @Override
    public void onClosed() {
      closes++;
    }

    void releaseAll() {
      for (Object o : received) {
        if (o instanceof HttpContent c && c.refCnt() > 0) {
          c.release();
        }
      }
    }
  }

  private final Map<Integer, Recorder> handlers = new HashMap<>();
  private final TestStream three = new TestStream(3);
  private boolean streamWritable = true;
  private EmbeddedChannel channel;

  private EmbeddedChannel connection() {
    Http2StreamGuard guard =
        new Http2StreamGuard(
            new PathNormalizer(true, true, EscapedSlashesAction.KEEP_UNCHANGED),
            100);
    channel =
        new EmbeddedChannel(
            new Http2ServerStreams(
                stream -> handlers.computeIfAbsent(stream.id(), id -> new Recorder(stream)),
                guard,
                stream -> streamWritable));
    return channel;
  }

  @AfterEach
  void finish() {
    handlers.values().forEach(Recorder::releaseAll);
    if (channel != null && channel.isOpen()) {
      channel.flushOutbound(); // the codec flushes at the end of each read
    }
    if (channel != null) {
      channel.finishAndReleaseAll();
    }
  }

  private static DefaultHttp2Headers request(String method, String path) {
    DefaultHttp2Headers h = new DefaultHttp2Headers();
    h.method(method).path(path).scheme("https").authority("shop.example:8443");
    return h;
  }

  private void headers(DefaultHttp2Headers h, boolean endStream) {
    channel.writeInbound(new DefaultHttp2HeadersFrame(h, endStream).stream(three));
  }

  private void data(String text, boolean endStream) {
    channel.writeInbound(
        new DefaultHttp2DataFrame(Unpooled.copiedBuffer(text, StandardCharsets.US_ASCII), endStream)
            .stream(three));
  }

  private Recorder handler() {
    return handlers.get(3);
  }

  // ---- requests in

  @Test
  void aBodilessRequestIsAHeadAndAnEmptyLastContentWithoutTranslationHeaders() {
    connection();
    DefaultHttp2Headers h = request("GET", "/cart?id=1");
    h.add("cookie", "a=1").add("cookie", "b=2").add("x-http2-path", "/smuggled");
    headers(h, true);

    List<Object> got = handler().received;
    assertThat(got).hasSize(2);
    HttpRequest head = (HttpRequest) got.get(0);
    assertThat(head.method()).isEqualTo(HttpMethod.GET);
    assertThat(head.uri()).isEqualTo("/cart?id=1");
    assertThat(head.headers().get("host")).isEqualTo("shop.example:8443");
    assertThat(head.headers().getAll("cookie")).as(head.headers().toString()).containsExactly("a=1; b=2");
    assertThat(head.headers().names()).noneMatch(n -> n.startsWith("x-http2-"));
    assertThat(head.headers().contains("transfer-encoding")).isFalse();
    assertThat(((LastHttpContent) got.get(1)).content().isReadable()).isFalse();
    assertThat(handler().readCompletes).isEqualTo(1);
  }

  @Test
  void aRequestBodyOfUnknownLengthIsMarkedChunkedAndTrailersEndIt() {
    connection();
    headers(request("POST", "/upload"), false);
    data("abc", false);
    channel.writeInbound(
        new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().add("grpc-status", "0"), true).stream(three));

    List<Object> got = handler().received;
    assertThat(((HttpRequest) got.get(0)).headers().get("transfer-encoding")).isEqualTo("chunked");
    HttpContent body = (HttpContent) got.get(1);
    assertThat(body).isNotInstanceOf(LastHttpContent.class);
    assertThat(body.content().toString(StandardCharsets.US_ASCII)).isEqualTo("abc");
    assertThat(((LastHttpContent) got.get(2)).trailingHeaders().get("grpc-status")).isEqualTo("0");
  }

  @Test
  void aContentLengthRequestIsNotMarkedChunkedAndItsLastDataFrameEndsIt() {
    connection();
    DefaultHttp2Headers h = request("PUT", "/item");
    h.add("content-length", "2");
    headers(h, false);
    data("ok", true);

    List<Object> got = handler().received;
    assertThat(((HttpRequest) got.get(0)).headers().contains("transfer-encoding")).isFalse();
    LastHttpContent last = (LastHttpContent) got.get(1);
    assertThat(last.content().toString(StandardCharsets.US_ASCII)).isEqualTo("ok");
  }

  @Test
  void connectionFramesGoOnToTheNextHandler() {
    connection();
    channel.writeInbound(new DefaultHttp2SettingsFrame(new Http2Settings().maxConcurrentStreams(5)));
    Http2SettingsFrame settings = channel.readInbound();
    assertThat(settings.settings().maxConcurrentStreams()).isEqualTo(5L);
  }

  // ---- flow control

  @Test
  void eachDataFrameIsGivenBackOnceHandedOver() {
    connection();
    headers(request("POST", "/upload"), false);
    data("abcde", false);
    channel.flushOutbound(); // the codec flushes at the end of each read

    Http2WindowUpdateFrame update = channel.readOutbound();
    assertThat(update.windowSizeIncrement()).isEqualTo(5);
    assertThat(update.stream()).isEqualTo(three);
  }

  @Test
  void aPausedStreamHoldsItsFramesAndTheirBytesUntilItResumes() {
    connection();
    headers(request("POST", "/upload"), false);
    handler().stream.pauseReading();
    data("abc", false);
    data("de", true);
    channel.flushOutbound();

    assertThat(handler().received).hasSize(1); // the head only
    assertThat((Object) channel.readOutbound()).isNull(); // nothing given back

    int readCompletes = handler().readCompletes;
    handler().stream.resumeReading();
    assertThat(handler().received).hasSize(3);
    assertThat(handler().received.get(2)).isInstanceOf(LastHttpContent.class);
    // What waited is a batch of its own: the data path is told to flush what it wrote for it.
    assertThat(handler().readCompletes).isEqualTo(readCompletes + 1);
    Http2WindowUpdateFrame update = channel.readOutbound();
    assertThat(update.windowSizeIncrement()).isEqualTo(5);
  }

  @Test
  void writabilityFollowsTheStreamWindowAndIsAnnounced() {
    connection();
    headers(request("GET", "/"), true);
    assertThat(handler().stream.isWritable()).isTrue();
    streamWritable = false;
    channel.pipeline().fireChannelWritabilityChanged();
    assertThat(handler().lastWritability).isFalse();
    assertThat(handler().stream.isWritable()).isFalse();
  }

  // ---- responses out

  @Test
  void aHeadFollowedByAnEmptyLastContentIsOneHeadersFrameThatEndsTheStream() {
    connection();
    headers(request("GET", "/"), true);
    ServerStream stream = handler().stream;
    HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
    head.headers().set("grpc-status", "5").set("connection", "keep-alive");
    ChannelFuture headWritten = stream.write(head);
    ChannelFuture lastWritten = stream.writeAndFlush(new DefaultLastHttpContent());

    Http2HeadersFrame frame = channel.readOutbound();
    assertThat(frame.stream()).isEqualTo(three);
    assertThat(frame.isEndStream()).isTrue();
    assertThat(frame.headers().status().toString()).isEqualTo("200");
    assertThat(frame.headers().get("grpc-status").toString()).isEqualTo("5");
    assertThat(frame.headers().contains("connection")).isFalse();
    assertThat((Object) channel.readOutbound()).isNull();
    assertThat(headWritten.isSuccess()).isTrue();
    assertThat(lastWritten.isSuccess()).isTrue();
    assertThat(stream.bothSidesEnded()).isTrue();
  }

  @Test
  void aHeadIsWrittenAloneOnFlushAndABodyWithTrailersEndsWithAHeadersFrame() {
    connection();
    headers(request("GET", "/"), true);
    ServerStream stream = handler().stream;
    stream.writeAndFlush(new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK));
    Http2HeadersFrame headers = channel.readOutbound();
    assertThat(headers.isEndStream()).isFalse();

    stream.write(new DefaultHttpContent(Unpooled.copiedBuffer("part", StandardCharsets.US_ASCII)));
    LastHttpContent last = new DefaultLastHttpContent(Unpooled.copiedBuffer("end", StandardCharsets.US_ASCII));
    last.trailingHeaders().set("grpc-status", "0");
    ChannelFuture lastWritten = stream.writeAndFlush(last);

    Http2DataFrame part = channel.readOutbound();
    assertThat(part.isEndStream()).isFalse();
    assertThat(part.content().toString(StandardCharsets.US_ASCII)).isEqualTo("part");
    part.release();
    Http2DataFrame end = channel.readOutbound();
    assertThat(end.isEndStream()).isFalse();
    assertThat(end.content().toString(StandardCharsets.US_ASCII)).isEqualTo("end");
    end.release();
    Http2HeadersFrame trailers = channel.readOutbound();
    assertThat(trailers.isEndStream()).isTrue();
    assertThat(trailers.headers().get("grpc-status").toString()).isEqualTo("0");
    assertThat(lastWritten.isSuccess()).isTrue();
  }

  @Test
  void aLastContentWithoutTrailersEndsTheStreamWithADataFrame() {
    connection();
    headers(request("GET", "/"), true);
    ServerStream stream = handler().stream;
    stream.write(new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK));
    stream.writeAndFlush(new DefaultLastHttpContent(Unpooled.copiedBuffer("body", StandardCharsets.US_ASCII)));

    Http2HeadersFrame headers = channel.readOutbound();
    assertThat(headers.isEndStream()).isFalse();
    Http2DataFrame data = channel.readOutbound();
    assertThat(data.isEndStream()).isTrue();
    assertThat(data.content().toString(StandardCharsets.US_ASCII)).isEqualTo("body");
    data.release();
  }

  @Test
  void anInformationalHeadIsItsOwnHeadersFrameBeforeTheResponse() {
    connection();
    headers(request("GET", "/"), true);
    ServerStream stream = handler().stream;
    HttpResponse hints = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(103));
    hints.headers().set("link", "</style.css>; rel=preload");
    ChannelFuture hintsWritten = stream.write(hints);
    stream.write(new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK));
    stream.writeAndFlush(new DefaultLastHttpContent());

    Http2HeadersFrame first = channel.readOutbound();
    assertThat(first.headers().status().toString()).isEqualTo("103");
    assertThat(first.isEndStream()).isFalse();
    assertThat(hintsWritten.isSuccess()).isTrue();
    Http2HeadersFrame response = channel.readOutbound();
    assertThat(response.headers().status().toString()).isEqualTo("200");
    assertThat(response.isEndStream()).isTrue();
  }

  @Test
  void aFullResponseWithABodyIsHeadersThenData() {
    connection();
    headers(request("GET", "/"), true);
    ByteBuf body = Unpooled.copiedBuffer("full", StandardCharsets.US_ASCII);
    handler().stream.writeAndFlush(
        new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.NOT_FOUND, body));
    Http2HeadersFrame headers = channel.readOutbound();
    assertThat(headers.isEndStream()).isFalse();
    assertThat(headers.headers().status().toString()).isEqualTo("404");
    Http2DataFrame data = channel.readOutbound();
    assertThat(data.isEndStream()).isTrue();
    assertThat(data.content().toString(StandardCharsets.US_ASCII)).isEqualTo("full");
    data.release();
  }

  // ---- the end of a stream

  @Test
  void closingAStreamWhoseRequestIsStillArrivingResetsItAndWritesFailAfterwards() {
    connection();
    headers(request("POST", "/upload"), false);
    ServerStream stream = handler().stream;
    stream.close();

    Http2ResetFrame reset = channel.readOutbound();
    assertThat(reset.errorCode()).isEqualTo(Http2Error.CANCEL.code());
    assertThat(reset.stream()).isEqualTo(three);
    assertThat(handler().closes).isEqualTo(1);
    ChannelFuture late = stream.write(new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK));
    assertThat(late.isSuccess()).isFalse();

    data("more", false); // the client's frames in flight are dropped
    assertThat(handler().received).hasSize(1);
  }

  @Test
  void closingAStreamWhoseBothSidesEndedSendsNoReset() {
    connection();
    headers(request("GET", "/"), true);
    ServerStream stream = handler().stream;
    stream.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.NO_CONTENT));
    stream.close();

    Http2HeadersFrame response = channel.readOutbound();
    assertThat(response.isEndStream()).isTrue();
    assertThat((Object) channel.readOutbound()).isNull();
    assertThat(handler().closes).isEqualTo(1);
  }

  @Test
  void theClientsResetEndsTheStreamOnce() {
    connection();
    headers(request("POST", "/upload"), false);
    channel.writeInbound(new DefaultHttp2ResetFrame(Http2Error.CANCEL).stream(three));
    channel.close();
    assertThat(handler().closes).isEqualTo(1);
  }

  @Test
  void theConnectionsEndEndsEveryStream() {
    connection();
    headers(request("POST", "/a"), false);
    channel.writeInbound(new DefaultHttp2HeadersFrame(request("POST", "/b"), false).stream(new TestStream(5)));
    channel.close();
    assertThat(handler().closes).isEqualTo(1);
    assertThat(handlers.get(5).closes).isEqualTo(1);
  }

  @Test
  void aStreamErrorResetsTheStreamWithItsCode() {
    connection();
    headers(request("POST", "/upload"), false);
    channel.pipeline().fireExceptionCaught(
        new Http2FrameStreamException(three, Http2Error.PROTOCOL_ERROR, new IllegalStateException("bad")));
    Http2ResetFrame reset = channel.readOutbound();
    assertThat(reset.errorCode()).isEqualTo(Http2Error.PROTOCOL_ERROR.code());
    assertThat(handler().closes).isEqualTo(1);
  }

  // ---- the guard

  @Test
  void aRefusedRequestIsAnsweredOnItsStreamAndNeverReachesTheDataPath() {
    connection();
    DefaultHttp2Headers h = request("GET", "/a/../../etc/passwd");
    h.remove(":authority");
    headers(h, false);

    assertThat(handler().received).isEmpty();
    assertThat(handler().refusals).singleElement()
        .satisfies(r -> assertThat(r.status()).isEqualTo(HttpResponseStatus.BAD_REQUEST));
    Http2HeadersFrame answer = channel.readOutbound();
    assertThat(answer.headers().status().toString()).isEqualTo("400");
    assertThat(answer.isEndStream()).isTrue();
    Http2ResetFrame reset = channel.readOutbound(); // the client was still sending
    assertThat(reset.errorCode()).isEqualTo(Http2Error.CANCEL.code());
  }

  @Test
  void aNormalizedPathIsWhatTheDataPathSees() {
    connection();
    headers(request("GET", "/a/./b/../c"), true);
    assertThat(((HttpRequest) handler().received.get(0)).uri()).isEqualTo("/a/c");
  }
}
