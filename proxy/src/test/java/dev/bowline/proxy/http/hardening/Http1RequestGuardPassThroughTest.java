package dev.bowline.proxy.http.hardening;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bowline.proxy.config.HttpConnectionManagerConfig;
import dev.bowline.proxy.config.HttpConnectionManagerConfig.EscapedSlashesAction;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Good requests pass the guard unchanged (apart from the normalized target) and in order. */
class Http1RequestGuardPassThroughTest {

  @Test
  void forwardsASimpleRequestAsAGuardedRequest() {
    try (GuardHarness harness = new GuardHarness()) {
      harness.send("GET /a/b?x=1 HTTP/1.1\r\nHost: example.com:8080\r\nAccept: */*\r\n\r\n");
      assertThat(harness.forwarded).containsExactly("REQ GET /a/b?x=1", "LAST ");
      HttpRequest request = harness.requests.get(0);
      assertThat(request).isInstanceOf(GuardedHttpRequest.class);
      assertThat(((GuardedHttpRequest) request).originalUri()).isEqualTo("/a/b?x=1");
      assertThat(((GuardedHttpRequest) request).uriChanged()).isFalse();
      assertThat(request.headers().get(HttpHeaderNames.HOST)).isEqualTo("example.com:8080");
      assertThat(request.headers().get(HttpHeaderNames.ACCEPT)).isEqualTo("*/*");
      assertThat(request.decoderResult().isSuccess()).isTrue();
      assertThat(harness.output()).isEmpty();
      assertThat(harness.channel.isOpen()).isTrue();
      assertThat(harness.localReplies()).isEmpty();
    }
  }

  @Test
  void forwardsKeepAlivePipelinedRequestsInOrder() {
    try (GuardHarness harness = new GuardHarness()) {
      harness.send(
          "GET /1 HTTP/1.1\r\nHost: a\r\n\r\n"
              + "POST /2 HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello"
              + "GET /3 HTTP/1.1\r\nHost: a\r\n\r\n");
      assertThat(harness.forwarded)
          .containsExactly(
              "REQ GET /1", "LAST ", "REQ POST /2", "LAST hello", "REQ GET /3", "LAST ");
      harness.respond(HttpResponseStatus.OK);
      harness.respond(HttpResponseStatus.OK);
      harness.respond(HttpResponseStatus.OK);
      assertThat(harness.output().split("HTTP/1.1 200 OK", -1)).hasSize(4);
      assertThat(harness.channel.isOpen()).isTrue();
    }
  }

  @Test
  void forwardsAChunkedBodyPieceByPiece() {
    try (GuardHarness harness = new GuardHarness()) {
      harness.send("POST /up HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: Chunked\r\n\r\n5\r\nhello\r\n");
      harness.send("6;ext=1\r\n world\r\n0\r\nX-Trailer: t\r\n\r\n");
      assertThat(harness.forwarded)
          .containsExactly("REQ POST /up", "DATA hello", "DATA  world", "LAST ");
      assertThat(harness.requests.get(0).headers().get(HttpHeaderNames.TRANSFER_ENCODING))
          .isEqualTo("Chunked");
      assertThat(harness.channel.isOpen()).isTrue();
    }
  }

  @Test
  void leavesExpectContinueToTheDataPath() {
    try (GuardHarness harness = new GuardHarness()) {
      harness.send(
          "PUT /x HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\n");
      assertThat(harness.forwarded).containsExactly("REQ PUT /x");
      assertThat(harness.requests.get(0).headers().get(HttpHeaderNames.EXPECT))
          .isEqualTo("100-continue");
      assertThat(harness.output()).as("the guard answers nothing itself").isEmpty();
      harness.respond(HttpResponseStatus.CONTINUE);
      harness.send("abc");
      assertThat(harness.forwarded).containsExactly("REQ PUT /x", "LAST abc");
      assertThat(harness.output()).startsWith("HTTP/1.1 100 Continue\r\n");
    }
  }

  @Test
  void acceptsHttp10WithoutHost() {
    try (GuardHarness harness = new GuardHarness()) {
      harness.send("GET /old HTTP/1.0\r\n\r\n");
      assertThat(harness.forwarded).containsExactly("REQ GET /old", "LAST ");
      assertThat(harness.requests.get(0).protocolVersion()).isSameAs(HttpVersion.HTTP_1_0);
    }
  }

  @Test
  void acceptsOptionsAsterisk() {
    try (GuardHarness harness = new GuardHarness()) {
      harness.send("OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n");
      assertThat(harness.forwarded).containsExactly("REQ OPTIONS *", "LAST ");
    }
  }

  @Test
  void normalizesThePathAndKeepsTheOriginalOnTheRequestOnly() {
    try (GuardHarness harness = new GuardHarness()) {
      harness.send("GET /a/./b/../%63//d/%2e%2e/e?x=/../%2f HTTP/1.1\r\nHost: a\r\n\r\n");
      GuardedHttpRequest request = (GuardedHttpRequest) harness.requests.get(0);
      assertThat(request.uri()).isEqualTo("/a/c/e?x=/../%2f");
      assertThat(request.originalUri()).isEqualTo("/a/./b/../%63//d/%2e%2e/e?x=/../%2f");
      assertThat(request.uriChanged()).isTrue();
      assertThat(request.headers().contains("x-envoy-original-path")).isFalse();
    }
  }

  @Test
  void reducesAbsoluteFormAndTakesItsAuthorityAsHost() {
    try (GuardHarness harness = new GuardHarness()) {
      harness.send("GET HTTP://b.example:8080/x/../y?q=1 HTTP/1.1\r\nHost: a.example\r\n\r\n");
      GuardedHttpRequest request = (GuardedHttpRequest) harness.requests.get(0);
      assertThat(request.uri()).isEqualTo("/y?q=1");
      assertThat(request.headers().getAll(HttpHeaderNames.HOST)).containsExactly("b.example:8080");
      assertThat(request.originalUri()).isEqualTo("HTTP://b.example:8080/x/../y?q=1");
    }
  }

  @Test
  void reducesAbsoluteFormWithoutPathToSlash() {
    try (GuardHarness harness = new GuardHarness()) {
      harness.send("GET http://[::1]:80?q HTTP/1.1\r\nHost: x\r\n\r\n");
      assertThat(harness.forwarded).containsExactly("REQ GET /?q", "LAST ");
      assertThat(harness.requests.get(0).headers().get(HttpHeaderNames.HOST)).isEqualTo("[::1]:80");
    }
  }

  @Test
  void keepsEscapedSlashesWhenConfiguredToKeepThem() {
    Http1Hardening keep =
        new Http1Hardening(60, 100, new PathNormalizer(true, false, EscapedSlashesAction.KEEP_UNCHANGED));
    try (GuardHarness harness = new GuardHarness(keep)) {
      harness.send("GET /a%2fb//c HTTP/1.1\r\nHost: a\r\n\r\n");
      assertThat(harness.forwarded).containsExactly("REQ GET /a%2Fb//c", "LAST ");
    }
  }

  @Test
  void doesNotMistakeWhitespaceAfterLineFeedsInABodyForObsFold() {
    try (GuardHarness harness = new GuardHarness()) {
      harness.send("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 6\r\n\r\n\n a\n b");
      harness.send("GET /next HTTP/1.1\r\nHost: a\r\n\r\n");
      assertThat(harness.forwarded)
          .containsExactly("REQ POST /", "LAST \n a\n b", "REQ GET /next", "LAST ");
    }
  }

  @Test
  void neverEncodesABodyOrChunkTerminatorOnAHeadResponse() {
    try (GuardHarness harness = new GuardHarness()) {
      harness.send("HEAD /h HTTP/1.1\r\nHost: a\r\n\r\nGET /g HTTP/1.1\r\nHost: a\r\n\r\n");
      DefaultHttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
      head.headers().set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
      harness.channel.write(head);
      harness.channel.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
      DefaultHttpResponse get = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
      get.headers().set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
      harness.channel.write(get);
      harness.channel.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
      String output = harness.output();
      assertThat(output)
          .isEqualTo(
              "HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n"
                  + "HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n0\r\n\r\n");
    }
  }

  @Test
  void passesEverythingThroughAfterSwitchingProtocols() {
    try (GuardHarness harness = new GuardHarness()) {
      harness.send(
          "GET /ws HTTP/1.1\r\nHost: a\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n");
      harness.respond(HttpResponseStatus.SWITCHING_PROTOCOLS);
      harness.channel.pipeline().remove(Http1Hardening.CODEC_NAME);
      harness.send("\u0081\u0085raw websocket frame");
      assertThat(harness.forwarded).hasSize(3);
      assertThat(harness.forwarded.get(2)).startsWith("OTHER ");
      harness.output();
    }
  }

  @Test
  void buildsFromTheConnectionManagerConfig() {
    HttpConnectionManagerConfig config =
        new HttpConnectionManagerConfig(
            "ingress",
            HttpConnectionManagerConfig.CodecType.AUTO,
            RouteConfiguration.getDefaultInstance(),
            List.of(),
            60,
            100,
            Duration.ZERO,
            Duration.ofMinutes(5),
            Duration.ofHours(1),
            Duration.ofSeconds(5),
            true,
            0,
            true,
            true,
            true,
            EscapedSlashesAction.REJECT_REQUEST,
            HttpConnectionManagerConfig.Http2Settings.EDGE,
            List.of());
    Http1Hardening hardening = Http1Hardening.from(config);
    assertThat(hardening.maxRequestHeaderBytes()).isEqualTo(60 * 1024);
    assertThat(hardening.maxHeadersCount()).isEqualTo(100);
    assertThat(hardening.decoderConfig().getMaxHeaderSize()).isEqualTo(60 * 1024);
    assertThat(hardening.decoderConfig().isUseRfc9112TransferEncoding()).isTrue();
    assertThat(hardening.decoderConfig().isAllowDuplicateContentLengths()).isFalse();
    try (GuardHarness harness = new GuardHarness(hardening)) {
      harness.send("GET //a/../b HTTP/1.1\r\nHost: a\r\n\r\n");
      assertThat(harness.forwarded).containsExactly("REQ GET /b", "LAST ");
    }
  }
}
