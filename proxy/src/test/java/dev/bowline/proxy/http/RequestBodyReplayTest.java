package dev.bowline.proxy.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.LastHttpContent;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Keeping a request body for retries: the limit, replays without copies, and ownership. */
class RequestBodyReplayTest {

  private static HttpContent piece(String text) {
    return new DefaultHttpContent(Unpooled.copiedBuffer(text, StandardCharsets.UTF_8));
  }

  private static String drain(EmbeddedChannel channel) {
    StringBuilder out = new StringBuilder();
    HttpContent c;
    while ((c = channel.readOutbound()) != null) {
      out.append(c.content().toString(StandardCharsets.UTF_8));
      if (c instanceof LastHttpContent last) {
        out.append(last.trailingHeaders().isEmpty() ? "|end" : "|trailers " + last.trailingHeaders().get("t"));
      }
      c.release();
    }
    return out.toString();
  }

  @Test
  void replaysEveryPieceInOrderAsOftenAsAsked() {
    RequestBodyReplay replay = new RequestBodyReplay(100);
    LastHttpContent last = new DefaultLastHttpContent(Unpooled.copiedBuffer("!", StandardCharsets.UTF_8));
    last.trailingHeaders().set("t", "v");
    assertThat(replay.offer(piece("hello "))).isTrue();
    assertThat(replay.offer(piece("world"))).isTrue();
    assertThat(replay.offer(last)).isTrue();
    assertThat(replay.bytes()).isEqualTo(12);

    EmbeddedChannel first = new EmbeddedChannel();
    EmbeddedChannel second = new EmbeddedChannel();
    replay.writeTo(first);
    replay.writeTo(second);
    first.flush();
    second.flush();

    assertThat(drain(first)).isEqualTo("hello world!|trailers v");
    assertThat(drain(second)).isEqualTo("hello world!|trailers v");
    replay.release();
    assertThat(last.refCnt()).isZero();
  }

  @Test
  void refusesThePieceThatWouldPassTheLimitAndLeavesItToTheCaller() {
    RequestBodyReplay replay = new RequestBodyReplay(8);
    HttpContent a = piece("12345");
    HttpContent b = piece("6789");
    assertThat(replay.offer(a)).isTrue();

    assertThat(replay.offer(b)).isFalse();
    assertThat(b.refCnt()).isEqualTo(1);

    List<HttpContent> taken = replay.takeAll();
    assertThat(taken).containsExactly(a);
    assertThat(replay.bytes()).isZero();
    taken.forEach(HttpContent::release);
    b.release();
  }

  @Test
  void duplicatesShareTheBytesWithoutCopying() {
    RequestBodyReplay replay = new RequestBodyReplay(100);
    ByteBuf bytes = Unpooled.copiedBuffer("shared", StandardCharsets.UTF_8);
    replay.offer(new DefaultHttpContent(bytes));
    EmbeddedChannel channel = new EmbeddedChannel();

    replay.writeTo(channel);
    channel.flush();
    HttpContent sent = channel.readOutbound();
    bytes.setByte(0, 'S');

    assertThat(sent.content().toString(StandardCharsets.UTF_8)).isEqualTo("Shared");
    assertThat(bytes.refCnt()).isEqualTo(2);
    sent.release();
    replay.release();
    assertThat(bytes.refCnt()).isZero();
  }
}
