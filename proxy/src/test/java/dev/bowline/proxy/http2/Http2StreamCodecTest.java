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

  @Test
  void upstreamRequestsCarryTheSchemeAndContinueIsOneFullResponse() {
    channel = new EmbeddedChannel(new Http2StreamCodec());
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
  void upstreamResponsesBecomeAHeadContentsAndTrailers() {
    channel = new EmbeddedChannel(new Http2StreamCodec());
    channel.writeInbound(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().status("200"), false));
    channel.writeInbound(new DefaultHttp2DataFrame(Unpooled.copiedBuffer("abc", StandardCharsets.US_ASCII), false));
    channel.writeInbound(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().add("grpc-status", "0"), true));

    HttpResponse head = channel.readInbound();
    assertThat(head.status()).isEqualTo(HttpResponseStatus.OK);
    assertThat(head.headers().get("transfer-encoding")).isEqualTo("chunked");
    HttpContent body = channel.readInbound();
    assertThat(body).isNotInstanceOf(LastHttpContent.class);
    assertThat(body.content().toString(StandardCharsets.US_ASCII)).isEqualTo("abc");
    body.release();
    LastHttpContent trailers = channel.readInbound();
    assertThat(trailers.trailingHeaders().get("grpc-status")).isEqualTo("0");
  }

  @Test
  void otherFramesPassThrough() {
    channel = new EmbeddedChannel(new Http2StreamCodec());
    channel.writeInbound(new DefaultHttp2ResetFrame(Http2Error.CANCEL));
    Http2ResetFrame reset = channel.readInbound();
    assertThat(reset.errorCode()).isEqualTo(Http2Error.CANCEL.code());
  }
}
