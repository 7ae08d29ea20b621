package dev.bowline.proxy.http.hardening;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The bytes the downstream response encoder writes, for each kind of framing. */
class PairedResponseEncoderTest {

  private final MethodQueue methods = new MethodQueue(4);
  private final PairedResponseEncoder encoder = new PairedResponseEncoder(methods);
  private final EmbeddedChannel channel = new EmbeddedChannel(encoder);

  @AfterEach
  void close() {
    channel.finishAndReleaseAll();
  }

  private static HttpResponse head(HttpResponseStatus status, String... headers) {
    HttpResponse r = new DefaultHttpResponse(HttpVersion.HTTP_1_1, status);
    for (int i = 0; i < headers.length; i += 2) {
      r.headers().add(headers[i], headers[i + 1]);
    }
    return r;
  }

  private static ByteBuf text(String s) {
    return Unpooled.copiedBuffer(s, StandardCharsets.ISO_8859_1);
  }

  /** Everything written so far, as one string. */
  private String wire() {
    StringBuilder out = new StringBuilder();
    ByteBuf b;
    while ((b = channel.readOutbound()) != null) {
      out.append(b.toString(StandardCharsets.ISO_8859_1));
      b.release();
    }
    return out.toString();
  }

  @Test
  void aContentLengthResponseIsItsHeadThenItsBytes() {
    methods.offer(HttpMethod.GET);
    channel.write(head(HttpResponseStatus.OK, "content-length", "11", "x-Mixed", "Case"));
    channel.write(new DefaultHttpContent(text("hello ")));
    ChannelFuture last = channel.writeAndFlush(new DefaultLastHttpContent(text("world")));

    assertThat(wire()).isEqualTo("HTTP/1.1 200 OK\r\ncontent-length: 11\r\nx-Mixed: Case\r\n\r\nhello world");
    assertThat(last.isSuccess()).isTrue();
  }

  @Test
  void aChunkedResponseIsChunkEncodedAndEndsWithItsTrailers() {
    methods.offer(HttpMethod.GET);
    channel.write(head(HttpResponseStatus.OK, "transfer-encoding", "chunked"));
    channel.write(new DefaultHttpContent(text("hello")));
    channel.write(new DefaultHttpContent(text("x".repeat(26))));
    channel.write(new DefaultHttpContent(Unpooled.EMPTY_BUFFER)); // nothing: not a last chunk
    LastHttpContent end = new DefaultLastHttpContent();
    end.trailingHeaders().add("x-checksum", "42");
    channel.writeAndFlush(end);

    assertThat(wire())
        .isEqualTo(
            "HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n"
                + "5\r\nhello\r\n"
                + "1a\r\n" + "x".repeat(26) + "\r\n"
                + "0\r\nx-checksum: 42\r\n\r\n");
  }

  @Test
  void aChunkedResponseWithoutTrailersEndsWithTheLastChunk() {
    methods.offer(HttpMethod.GET);
    channel.write(head(HttpResponseStatus.OK, "transfer-encoding", "chunked"));
    channel.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
    assertThat(wire()).isEqualTo("HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n0\r\n\r\n");
  }

  @Test
  void aResponseToHeadHasNoBodyAndNoChunkTerminatorWhateverIsWritten() {
    methods.offer(HttpMethod.HEAD);
    methods.offer(HttpMethod.GET);
    channel.write(head(HttpResponseStatus.OK, "transfer-encoding", "chunked"));
    channel.writeAndFlush(new DefaultLastHttpContent(text("dropped")));
    assertThat(wire()).isEqualTo("HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n");

    // The next response is paired with the next method, GET: it has its body.
    channel.writeAndFlush(
        new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, text("body")));
    assertThat(wire()).isEqualTo("HTTP/1.1 200 OK\r\n\r\nbody");
  }

  @Test
  void informationalResponsesAreNotPairedAndLoseTheirFraming() {
    methods.offer(HttpMethod.HEAD);
    channel.writeAndFlush(
        new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE, Unpooled.EMPTY_BUFFER));
    channel.write(head(HttpResponseStatus.OK, "content-length", "4"));
    channel.writeAndFlush(new DefaultLastHttpContent(text("gone")));
    assertThat(wire()).isEqualTo("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\ncontent-length: 4\r\n\r\n");
  }

  @Test
  void noContentLosesItsLengthAndResetContentGetsAZeroLength() {
    methods.offer(HttpMethod.GET);
    methods.offer(HttpMethod.GET);
    channel.write(head(HttpResponseStatus.NO_CONTENT, "content-length", "3", "x", "y"));
    channel.writeAndFlush(new DefaultLastHttpContent(text("abc")));
    assertThat(wire()).isEqualTo("HTTP/1.1 204 No Content\r\nx: y\r\n\r\n");

    channel.write(head(HttpResponseStatus.RESET_CONTENT, "transfer-encoding", "chunked"));
    channel.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
    assertThat(wire()).isEqualTo("HTTP/1.1 205 Reset Content\r\ncontent-length: 0\r\n\r\n");
  }

  @Test
  void aStringValueIsWrittenAsLatin1WithAQuestionMarkForWhatLatin1CannotHold() {
    methods.offer(HttpMethod.GET);
    channel.writeAndFlush(
        new DefaultFullHttpResponse(HttpVersion.HTTP_1_0, HttpResponseStatus.OK, Unpooled.EMPTY_BUFFER));
    assertThat(wire()).isEqualTo("HTTP/1.0 200 OK\r\n\r\n");

    HttpResponse r = head(HttpResponseStatus.OK, "x-name", "caf\u00e9 \u20ac");
    channel.write(r);
    channel.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
    assertThat(wire()).isEqualTo("HTTP/1.1 200 OK\r\nx-name: caf\u00e9 ?\r\n\r\n");
  }

  @Test
  void anEmptyBufferOutsideAMessagePassesAndAnythingElseOutOfOrderFailsItsWrite() {
    assertThat(channel.writeAndFlush(Unpooled.EMPTY_BUFFER).isSuccess()).isTrue();
    assertThat(wire()).isEmpty();

    ChannelFuture content = channel.writeAndFlush(new DefaultHttpContent(text("stray")));
    assertThat(content.isSuccess()).isFalse();
    assertThat(content.cause()).hasMessageContaining("unexpected message type");

    methods.offer(HttpMethod.GET);
    channel.write(head(HttpResponseStatus.OK, "content-length", "1"));
    ChannelFuture second = channel.writeAndFlush(head(HttpResponseStatus.OK));
    assertThat(second.isSuccess()).isFalse();
    channel.writeAndFlush(new DefaultLastHttpContent(text("!")));
    assertThat(wire()).isEqualTo("HTTP/1.1 200 OK\r\ncontent-length: 1\r\n\r\n!");
  }

  @Test
  void aByteBufInsideAMessageIsContentAndAfterPassThroughEverythingGoesAsItIs() {
    methods.offer(HttpMethod.GET);
    channel.write(head(HttpResponseStatus.OK, "transfer-encoding", "chunked"));
    channel.write(text("abc"));
    channel.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
    assertThat(wire()).isEqualTo("HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n");

    encoder.passThrough();
    channel.writeAndFlush(text("raw websocket bytes"));
    assertThat(wire()).isEqualTo("raw websocket bytes");
  }
}
