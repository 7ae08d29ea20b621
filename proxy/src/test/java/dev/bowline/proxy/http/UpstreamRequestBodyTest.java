package dev.bowline.proxy.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.LastHttpContent;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Where the pieces of a request body go: the connected try, the wait, the copy kept for retries. */
class UpstreamRequestBodyTest {

  private static HttpContent piece(String text) {
    return new DefaultHttpContent(Unpooled.copiedBuffer(text, StandardCharsets.UTF_8));
  }

  private static String written(EmbeddedChannel channel) {
    channel.flush();
    StringBuilder out = new StringBuilder();
    HttpContent c;
    while ((c = channel.readOutbound()) != null) {
      out.append(c instanceof LastHttpContent ? "|end" : c.content().toString(StandardCharsets.UTF_8));
      c.release();
    }
    return out.toString();
  }

  @Test
  void withoutRetriesPiecesWaitForTheConnectionThenStream() {
    UpstreamRequestBody body = new UpstreamRequestBody();
    EmbeddedChannel up = new EmbeddedChannel();

    assertThat(body.add(piece("a"), null, false)).isEqualTo(UpstreamRequestBody.Outcome.TAKEN);
    body.writeTo(up);
    assertThat(body.add(piece("b"), up, false)).isEqualTo(UpstreamRequestBody.Outcome.TAKEN);
    body.add(LastHttpContent.EMPTY_LAST_CONTENT, up, false);

    assertThat(written(up)).isEqualTo("ab|end");
    body.release();
  }

  @Test
  void keptPiecesGoToEveryTry() {
    UpstreamRequestBody body = new UpstreamRequestBody();
    body.add(piece("early "), null, false);
    assertThat(body.keepForRetries(100)).isTrue();
    EmbeddedChannel first = new EmbeddedChannel();
    body.writeTo(first);
    body.add(piece("late"), first, false);
    body.add(LastHttpContent.EMPTY_LAST_CONTENT, first, false);

    EmbeddedChannel second = new EmbeddedChannel();
    body.writeTo(second);

    assertThat(written(first)).isEqualTo("early late|end");
    assertThat(written(second)).isEqualTo("early late|end");
    body.release();
  }

  @Test
  void piecesAlreadyOverTheLimitAreNotKeptAndStillWait() {
    UpstreamRequestBody body = new UpstreamRequestBody();
    body.add(piece("0123456789"), null, false);

    assertThat(body.keepForRetries(5)).isFalse();
    EmbeddedChannel up = new EmbeddedChannel();
    body.writeTo(up);

    assertThat(written(up)).isEqualTo("0123456789");
  }

  @Test
  void outgrowingTheBufferStreamsOnToTheConnectedTry() {
    UpstreamRequestBody body = new UpstreamRequestBody();
    body.keepForRetries(6);
    EmbeddedChannel up = new EmbeddedChannel();
    body.writeTo(up);
    body.add(piece("abcd"), up, false);

    assertThat(body.add(piece("efgh"), up, false)).isEqualTo(UpstreamRequestBody.Outcome.OUTGREW_BUFFER);
    body.add(piece("ij"), up, false);
    EmbeddedChannel next = new EmbeddedChannel();
    body.writeTo(next);

    assertThat(written(up)).isEqualTo("abcdefghij");
    assertThat(written(next)).as("nothing is kept any more").isEmpty();
  }

  @Test
  void outgrowingTheBufferWhileConnectingKeepsEveryPieceWaiting() {
    UpstreamRequestBody body = new UpstreamRequestBody();
    body.keepForRetries(6);
    body.add(piece("abcd"), null, false);

    assertThat(body.add(piece("efgh"), null, false)).isEqualTo(UpstreamRequestBody.Outcome.OUTGREW_BUFFER);
    EmbeddedChannel up = new EmbeddedChannel();
    body.writeTo(up);

    assertThat(written(up)).isEqualTo("abcdefgh");
  }

  @Test
  void outgrowingTheBufferBetweenTriesLosesTheBody() {
    UpstreamRequestBody body = new UpstreamRequestBody();
    body.keepForRetries(6);
    HttpContent first = piece("abcd");
    HttpContent second = piece("efgh");
    body.add(first, null, false);

    assertThat(body.add(second, null, true)).isEqualTo(UpstreamRequestBody.Outcome.LOST);
    assertThat(first.refCnt()).isZero();
    assertThat(second.refCnt()).isZero();
  }
}
