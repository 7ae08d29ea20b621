package dev.bowline.proxy.http2;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpResponse;
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
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2ResetFrame;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class Http2StreamCodecTest {

  private EmbeddedChannel channel;

  @AfterEach
  void finish() {
    if (channel != null) {
      channel.finishAndReleaseAll();
    }
  }

  private static DefaultHttp2Headers request(String method, String path) {
    DefaultHttp2Headers h = new DefaultHttp2Headers();
    h.method(method).path(path).scheme("https").authority("shop.example:8443");
    return h;
  }

  @Test
  void aBodilessRequestIsAHeadAndAnEmptyLastContentWithoutTranslationHeaders() {
    channel = new EmbeddedChannel(new Http2StreamCodec(true));
    DefaultHttp2Headers h = request("GET", "/cart?id=1");
    h.add("cookie", "a=1").add("cookie", "b=2").add("x-http2-path", "/smuggled");
    channel.writeInbound(new DefaultHttp2HeadersFrame(h, true));

    HttpRequest head = channel.readInbound();
    assertThat(head.method()).isEqualTo(HttpMethod.GET);
    assertThat(head.uri()).isEqualTo("/cart?id=1");
    assertThat(head.headers().get("host")).isEqualTo("shop.example:8443");
    assertThat(head.headers().getAll("cookie")).as(head.headers().toString()).containsExactly("a=1; b=2");
    assertThat(head.headers().names()).noneMatch(n -> n.startsWith("x-http2-"));
    assertThat(head.headers().contains("transfer-encoding")).isFalse();
    LastHttpContent last = channel.readInbound();
    assertThat(last.content().isReadable()).isFalse();
    assertThat((Object) channel.readInbound()).isNull();
  }

  @Test
  void aRequestBodyOfUnknownLengthIsMarkedChunkedAndTrailersEndIt() {
    channel = new EmbeddedChannel(new Http2StreamCodec(true));
    channel.writeInbound(new DefaultHttp2HeadersFrame(request("POST", "/upload"), false));
    channel.writeInbound(new DefaultHttp2DataFrame(Unpooled.copiedBuffer("abc", StandardCharsets.US_ASCII), false));
    channel.writeInbound(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().add("grpc-status", "0"), true));

    HttpRequest head = channel.readInbound();
    assertThat(head.headers().get("transfer-encoding")).isEqualTo("chunked");
    HttpContent body = channel.readInbound();
    assertThat(body).isNotInstanceOf(LastHttpContent.class);
    assertThat(body.content().toString(StandardCharsets.US_ASCII)).isEqualTo("abc");
    body.release();
    LastHttpContent trailers = channel.readInbound();
    assertThat(trailers.trailingHeaders().get("grpc-status")).isEqualTo("0");
  }

  @Test
  void aContentLengthRequestIsNotMarkedChunkedAndItsLastDataFrameEndsIt() {
    channel = new EmbeddedChannel(new Http2StreamCodec(true));
    DefaultHttp2Headers h = request("PUT", "/item");
    h.add("content-length", "2");
    channel.writeInbound(new DefaultHttp2HeadersFrame(h, false));
    channel.writeInbound(new DefaultHttp2DataFrame(Unpooled.copiedBuffer("ok", StandardCharsets.US_ASCII), true));

    HttpRequest head = channel.readInbound();
    assertThat(head.headers().contains("transfer-encoding")).isFalse();
    LastHttpContent last = channel.readInbound();
    assertThat(last.content().toString(StandardCharsets.US_ASCII)).isEqualTo("ok");
    last.release();
  }

  @Test
  void otherFramesPassThrough() {
    channel = new EmbeddedChannel(new Http2StreamCodec(true));
    channel.writeInbound(new DefaultHttp2ResetFrame(Http2Error.CANCEL));
    Http2ResetFrame reset = channel.readInbound();
    assertThat(reset.errorCode()).isEqualTo(Http2Error.CANCEL.code());
  }

  @Test
  void aHeadFollowedByAnEmptyLastContentIsOneHeadersFrameThatEndsTheStream() {
    channel = new EmbeddedChannel(new Http2StreamCodec(true));
    HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
    head.headers().set("grpc-status", "5").set("connection", "keep-alive");
    ChannelFuture headWritten = channel.write(head);
    ChannelFuture lastWritten = channel.writeAndFlush(new DefaultLastHttpContent());

    Http2HeadersFrame frame = channel.readOutbound();
    assertThat(frame.isEndStream()).isTrue();
    assertThat(frame.headers().status().toString()).isEqualTo("200");
    assertThat(frame.headers().get("grpc-status").toString()).isEqualTo("5");
    assertThat(frame.headers().contains("connection")).isFalse();
    assertThat((Object) channel.readOutbound()).isNull();
    assertThat(headWritten.isSuccess()).isTrue();
    assertThat(lastWritten.isSuccess()).isTrue();
  }

  @Test
  void aHeadIsWrittenAloneOnFlushAndABodyWithTrailersEndsWithAHeadersFrame() {
    channel = new EmbeddedChannel(new Http2StreamCodec(true));
    channel.writeAndFlush(new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK));
    Http2HeadersFrame headers = channel.readOutbound();
    assertThat(headers.isEndStream()).isFalse();

    channel.write(new DefaultHttpContent(Unpooled.copiedBuffer("part", StandardCharsets.US_ASCII)));
    LastHttpContent last = new DefaultLastHttpContent(Unpooled.copiedBuffer("end", StandardCharsets.US_ASCII));
    last.trailingHeaders().set("grpc-status", "0");
    ChannelFuture lastWritten = channel.writeAndFlush(last);

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
    channel = new EmbeddedChannel(new Http2StreamCodec(true));
    channel.write(new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK));
    channel.writeAndFlush(new DefaultLastHttpContent(Unpooled.copiedBuffer("body", StandardCharsets.US_ASCII)));

    Http2HeadersFrame headers = channel.readOutbound();
    assertThat(headers.isEndStream()).isFalse();
    Http2DataFrame data = channel.readOutbound();
    assertThat(data.isEndStream()).isTrue();
    assertThat(data.content().toString(StandardCharsets.US_ASCII)).isEqualTo("body");
    data.release();
  }

  @Test
  void upstreamRequestsCarryTheSchemeAndContinueIsOneFullResponse() {
    channel = new EmbeddedChannel(new Http2StreamCodec(false));
    HttpRequest get = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/status");
    get.headers().set("host", "backend:8080");
    channel.write(get);
    channel.writeAndFlush(new DefaultLastHttpContent());
    Http2HeadersFrame sent = channel.readOutbound();
    assertThat(sent.isEndStream()).isTrue();
    assertThat(sent.headers().scheme().toString()).isEqualTo("http");
    assertThat(sent.headers().path().toString()).isEqualTo("/status");
    assertThat(sent.headers().authority().toString()).isEqualTo("backend:8080");

    channel.writeInbound(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().status("100"), false));
    channel.writeInbound(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().status("204"), true));
    FullHttpResponse proceed = channel.readInbound();
    assertThat(proceed.status()).isEqualTo(HttpResponseStatus.CONTINUE);
    proceed.release();
    HttpResponse response = channel.readInbound();
    assertThat(response.status()).isEqualTo(HttpResponseStatus.NO_CONTENT);
    assertThat(response.headers().names()).noneMatch(n -> n.startsWith("x-http2-"));
    LastHttpContent end = channel.readInbound();
    assertThat(end.content().isReadable()).isFalse();
  }

  @Test
  void anInformationalHeadIsItsOwnHeadersFrameBeforeTheResponse() {
    channel = new EmbeddedChannel(new Http2StreamCodec(true));
    HttpResponse hints = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(103));
    hints.headers().set("link", "</style.css>; rel=preload");
    ChannelFuture hintsWritten = channel.write(hints);
    channel.write(new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK));
    channel.writeAndFlush(new DefaultLastHttpContent());

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
    channel = new EmbeddedChannel(new Http2StreamCodec(true));
    ByteBuf body = Unpooled.copiedBuffer("full", StandardCharsets.US_ASCII);
    channel.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.NOT_FOUND, body));
    Http2HeadersFrame headers = channel.readOutbound();
    assertThat(headers.isEndStream()).isFalse();
    assertThat(headers.headers().status().toString()).isEqualTo("404");
    Http2DataFrame data = channel.readOutbound();
    assertThat(data.isEndStream()).isTrue();
    assertThat(data.content().toString(StandardCharsets.US_ASCII)).isEqualTo("full");
    data.release();
  }
}
