package dev.bowline.proxy.http.hardening;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bowline.proxy.config.HttpConnectionManagerConfig.EscapedSlashesAction;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each bad request is sent as raw bytes; the guard must answer with the expected status and
 * {@code Connection: close}, close the connection, and forward nothing at all.
 */
class Http1RequestGuardRejectionTest {

  private static final Pattern STATUS_LINE = Pattern.compile("HTTP/1\\.1 (\\d{3}) ");

  static Stream<Arguments> badRequests() {
    return Stream.of(
        // Request smuggling: both framings.
        Arguments.of(
            "CL then TE, smuggled GET /admin behind",
            "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "0\r\n\r\nGET /admin HTTP/1.1\r\nHost: a\r\n\r\n",
            400),
        Arguments.of(
            "TE then CL, smuggled request in the body",
            "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nContent-Length: 44\r\n\r\n"
                + "0\r\n\r\nGET /admin HTTP/1.1\r\nHost: a\r\n\r\n",
            400),
        Arguments.of(
            "CL with TE gzip",
            "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nTransfer-Encoding: gzip\r\n\r\nabc",
            400),
        Arguments.of(
            "HTTP/1.0 with CL and TE",
            "POST / HTTP/1.0\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
            400),
        // Content-Length.
        Arguments.of(
            "differing Content-Lengths",
            "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\nContent-Length: 5\r\n\r\nabcde",
            400),
        Arguments.of(
            "repeated equal Content-Lengths",
            "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\nContent-Length: 4\r\n\r\nabcd",
            400),
        Arguments.of(
            "Content-Length list",
            "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 4, 4\r\n\r\nabcd",
            400),
        Arguments.of(
            "HTTP/1.0 with differing Content-Lengths (Netty takes the first)",
            "POST / HTTP/1.0\r\nContent-Length: 1\r\nContent-Length: 30\r\n\r\nx",
            400),
        Arguments.of(
            "Content-Length not a number",
            "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: abc\r\n\r\n",
            400),
        Arguments.of(
            "Content-Length with sign",
            "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: +4\r\n\r\nabcd",
            400),
        Arguments.of(
            "negative Content-Length",
            "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: -1\r\n\r\n",
            400),
        // Transfer-Encoding.
        Arguments.of(
            "unknown transfer coding",
            "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip\r\n\r\n",
            501),
        Arguments.of(
            "coding list ending in chunked",
            "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n",
            501),
        Arguments.of(
            "chunked twice",
            "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n"
                + "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
            501),
        Arguments.of(
            "obfuscated chunked",
            "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: xchunked\r\n\r\n0\r\n\r\n",
            501),
        Arguments.of(
            "whitespace before the colon of Transfer-Encoding",
            "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding : chunked\r\n\r\n0\r\n\r\n",
            400),
        Arguments.of(
            "Transfer-Encoding on HTTP/1.0",
            "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
            400),
        // Header syntax.
        Arguments.of(
            "invalid header name character",
            "GET / HTTP/1.1\r\nHost: a\r\nBad@Name: x\r\n\r\n",
            400),
        Arguments.of(
            "space in header name", "GET / HTTP/1.1\r\nHost: a\r\nBad Name: x\r\n\r\n", 400),
        Arguments.of(
            "control character in header value",
            "GET / HTTP/1.1\r\nHost: a\r\nX-A: a\u0001b\r\n\r\n",
            400),
        Arguments.of("header without colon", "GET / HTTP/1.1\r\nHost: a\r\nNoColon\r\n\r\n", 400),
        Arguments.of(
            "obs-fold", "GET / HTTP/1.1\r\nHost: a\r\nX-A: one\r\n  two\r\n\r\n", 400),
        Arguments.of(
            "obs-fold with a tab", "GET / HTTP/1.1\r\nHost: a\r\nX-A: one\r\n\ttwo\r\n\r\n", 400),
        Arguments.of("bare LF line endings", "GET / HTTP/1.1\nHost: a\n\n", 400),
        // Version.
        Arguments.of("HTTP/2.0 request line", "GET / HTTP/2.0\r\nHost: a\r\n\r\n", 505),
        Arguments.of("HTTP/1.2", "GET / HTTP/1.2\r\nHost: a\r\n\r\n", 505),
        Arguments.of(
            "HTTP/2.0 with Transfer-Encoding",
            "POST / HTTP/2.0\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n",
            505),
        Arguments.of(
            "HTTP/2 preface on the HTTP/1 codec", "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", 505),
        Arguments.of("lower-case version", "GET / http/1.1\r\nHost: a\r\n\r\n", 400),
        Arguments.of("HTTP/0.9 style", "GET /\r\n\r\n", 400),
        Arguments.of("garbage version", "GET / HTTP/x.y\r\nHost: a\r\n\r\n", 400),
        // Host.
        Arguments.of("missing Host on HTTP/1.1", "GET / HTTP/1.1\r\nX-A: b\r\n\r\n", 400),
        Arguments.of("two Host fields", "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400),
        Arguments.of("empty Host", "GET / HTTP/1.1\r\nHost: \r\n\r\n", 400),
        Arguments.of("Host with userinfo", "GET / HTTP/1.1\r\nHost: user@a\r\n\r\n", 400),
        Arguments.of("Host with a path", "GET / HTTP/1.1\r\nHost: a/b\r\n\r\n", 400),
        Arguments.of("Host with a bad port", "GET / HTTP/1.1\r\nHost: a:8x\r\n\r\n", 400),
        // Target.
        Arguments.of(
            "absolute-form with unknown scheme",
            "GET ftp://b/x HTTP/1.1\r\nHost: a\r\n\r\n",
            400),
        Arguments.of(
            "absolute-form with userinfo",
            "GET http://user@b/x HTTP/1.1\r\nHost: a\r\n\r\n",
            400),
        Arguments.of(
            "https absolute-form on plaintext",
            "GET https://b/x HTTP/1.1\r\nHost: b\r\n\r\n",
            400),
        Arguments.of("authority-form on GET", "GET b:443 HTTP/1.1\r\nHost: b\r\n\r\n", 400),
        Arguments.of("CONNECT", "CONNECT b:443 HTTP/1.1\r\nHost: b:443\r\n\r\n", 403),
        Arguments.of("asterisk on GET", "GET * HTTP/1.1\r\nHost: a\r\n\r\n", 400),
        Arguments.of("escaped slash", "GET /a%2Fb HTTP/1.1\r\nHost: a\r\n\r\n", 400),
        Arguments.of("escaped backslash", "GET /a%5cb HTTP/1.1\r\nHost: a\r\n\r\n", 400),
        Arguments.of("invalid percent-encoding", "GET /a%zz HTTP/1.1\r\nHost: a\r\n\r\n", 400),
        Arguments.of("fragment", "GET /a#b HTTP/1.1\r\nHost: a\r\n\r\n", 400),
        Arguments.of("backslash", "GET /a\\..\\b HTTP/1.1\r\nHost: a\r\n\r\n", 400),
        Arguments.of("raw non-ASCII byte", "GET /caf\u00e9 HTTP/1.1\r\nHost: a\r\n\r\n", 400),
        Arguments.of("control byte in target", "GET /a\u0001 HTTP/1.1\r\nHost: a\r\n\r\n", 400));
  }

  @ParameterizedTest(name = "{0} -> {2}")
  @MethodSource("badRequests")
  void rejectsAndForwardsNothing(String name, String raw, int status) {
    try (GuardHarness harness = new GuardHarness()) {
      harness.send(raw);
      assertRejectedWith(harness, status);
    }
  }

  @Test
  void rejectsOversizedHeaderBlockWith431() {
    try (GuardHarness harness = new GuardHarness(small())) {
      harness.send("GET / HTTP/1.1\r\nHost: a\r\nX-Big: " + "a".repeat(2000) + "\r\n\r\n");
      assertRejectedWith(harness, 431);
    }
  }

  @Test
  void rejectsRequestLineAndHeadersOverTheBudgetTogetherWith431() {
    try (GuardHarness harness = new GuardHarness(small())) {
      // Each part fits the 1 KiB budget alone; together they do not (Envoy counts the URL too).
      harness.send(
          "GET /" + "p".repeat(600) + " HTTP/1.1\r\nHost: a\r\nX-A: " + "h".repeat(600) + "\r\n\r\n");
      assertRejectedWith(harness, 431);
    }
  }

  @Test
  void rejectsTooManyHeadersWith431() {
    try (GuardHarness harness = new GuardHarness(small())) {
      harness.send("GET / HTTP/1.1\r\nHost: a\r\nA: 1\r\nB: 2\r\nC: 3\r\nD: 4\r\nE: 5\r\n\r\n");
      assertRejectedWith(harness, 431);
    }
  }

  @Test
  void rejectsOverlongRequestLineWith414() {
    try (GuardHarness harness = new GuardHarness(small())) {
      harness.send("GET /" + "a".repeat(2000) + " HTTP/1.1\r\nHost: a\r\n\r\n");
      assertRejectedWith(harness, 414);
    }
  }

  @Test
  void rejectsObsFoldSplitAcrossReads() {
    try (GuardHarness harness = new GuardHarness()) {
      harness.send("GET / HTTP/1.1\r\nHost: a\r\nX-A: one\r\n");
      harness.send(" two\r\n\r\n");
      assertRejectedWith(harness, 400);
    }
  }

  @Test
  void rejectsSmugglingSentByteByByte() {
    String raw =
        "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n"
            + "0\r\n\r\nGET /admin HTTP/1.1\r\nHost: a\r\n\r\n";
    try (GuardHarness harness = new GuardHarness()) {
      for (int i = 0; i < raw.length() && harness.channel.isOpen(); i++) {
        harness.send(raw.substring(i, i + 1));
      }
      assertRejectedWith(harness, 400);
    }
  }

  @Test
  void announcesTheRejectionWithItsReason() {
    try (GuardHarness harness = new GuardHarness()) {
      harness.send(
          "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n");
      assertThat(harness.localReplies())
          .containsExactly(
              new GuardLocalReply(
                  HttpResponseStatus.BAD_REQUEST,
                  "http1.content_length_and_chunked_not_allowed",
                  Http1Violation.CONTENT_LENGTH_WITH_TRANSFER_ENCODING,
                  false));
      harness.output();
    }
  }

  @Test
  void reportsThePathRejectionReason() {
    try (GuardHarness harness = new GuardHarness()) {
      harness.send("GET /a%2Fb HTTP/1.1\r\nHost: a\r\n\r\n");
      assertThat(harness.localReplies())
          .extracting(GuardLocalReply::details)
          .containsExactly(PathRejection.ESCAPED_SLASH.details());
      harness.output();
    }
  }

  @Test
  void redirectsEscapedSlashesWhenConfiguredAndForwardsNothing() {
    Http1Hardening redirecting =
        new Http1Hardening(
            60, 100, new PathNormalizer(true, true, EscapedSlashesAction.UNESCAPE_AND_REDIRECT));
    try (GuardHarness harness = new GuardHarness(redirecting)) {
      harness.send("GET /a%2F..%2Fb%2fc?q=%2F HTTP/1.1\r\nHost: a\r\n\r\n");
      String output = harness.output();
      assertThat(output).startsWith("HTTP/1.1 307 Temporary Redirect\r\n");
      assertThat(output).contains("\r\nlocation: /b/c?q=%2F\r\n", "\r\nconnection: close\r\n");
      assertThat(harness.forwarded).isEmpty();
      assertThat(harness.channel.isOpen()).isFalse();
      assertThat(harness.localReplies()).singleElement().matches(GuardLocalReply::isRedirect);
    }
  }

  @Test
  void malformedChunkAfterTheHeadIsAnswered400AndNothingMoreIsForwarded() {
    try (GuardHarness harness = new GuardHarness()) {
      harness.send(
          "POST /up HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
              + "3\r\nabc\r\nzz\r\nGET /admin HTTP/1.1\r\nHost: a\r\n\r\n");
      // The head and the valid chunk were already on their way; the bad chunk and all after it are not.
      assertThat(harness.forwarded).containsExactly("REQ POST /up", "DATA abc");
      assertStatuses(harness.output(), 400);
      assertThat(harness.channel.isOpen()).isFalse();
      assertThat(harness.localReplies())
          .extracting(GuardLocalReply::violation, GuardLocalReply::abortsForwardedRequest)
          .containsExactly(org.assertj.core.groups.Tuple.tuple(Http1Violation.MALFORMED, true));
    }
  }

  @Test
  void malformedChunkAfterTheResponseStartedOnlyCloses() {
    try (GuardHarness harness = new GuardHarness()) {
      harness.send("POST /up HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n");
      harness.respond(HttpResponseStatus.OK);
      harness.send("zz\r\n");
      assertStatuses(harness.output(), 200);
      assertThat(harness.channel.isOpen()).isFalse();
      assertThat(harness.forwarded).containsExactly("REQ POST /up");
    }
  }

  @Test
  void rejectionBehindAPipelinedRequestWaitsForItsResponse() {
    try (GuardHarness harness = new GuardHarness()) {
      harness.send("GET /1 HTTP/1.1\r\nHost: a\r\n\r\nGET /2 HTTP/1.1\r\n\r\nGET /3 HTTP/1.1\r\nHost: a\r\n\r\n");
      assertThat(harness.forwarded).containsExactly("REQ GET /1", "LAST ");
      assertThat(harness.output()).isEmpty();
      assertThat(harness.channel.isOpen()).isTrue();

      harness.respond(HttpResponseStatus.OK);

      assertStatuses(harness.output(), 200, 400);
      assertThat(harness.channel.isOpen()).isFalse();
      assertThat(harness.forwarded).containsExactly("REQ GET /1", "LAST ");
    }
  }

  @Test
  void informationalResponsesDoNotReleaseADeferredRejection() {
    try (GuardHarness harness = new GuardHarness()) {
      harness.send(
          "POST /1 HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\nhi"
              + "GET /2 HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n");
      harness.respond(HttpResponseStatus.CONTINUE);
      assertStatuses(harness.output(), 100);
      assertThat(harness.channel.isOpen()).isTrue();

      harness.respond(HttpResponseStatus.OK);
      assertStatuses(harness.output(), 200, 400);
      assertThat(harness.channel.isOpen()).isFalse();
    }
  }

  @Test
  void boundsPipelining() {
    Http1Hardening edge = GuardHarness.EDGE;
    try (GuardHarness harness =
        new GuardHarness(new HardenedHttpServerCodec(edge.decoderConfig(), 2), edge.newGuard())) {
      harness.send(
          "GET /1 HTTP/1.1\r\nHost: a\r\n\r\nGET /2 HTTP/1.1\r\nHost: a\r\n\r\n"
              + "GET /3 HTTP/1.1\r\nHost: a\r\n\r\nGET /4 HTTP/1.1\r\nHost: a\r\n\r\n");
      assertThat(harness.requests).extracting(r -> r.uri()).containsExactly("/1", "/2");
      harness.respond(HttpResponseStatus.OK);
      harness.respond(HttpResponseStatus.OK);
      assertStatuses(harness.output(), 200, 200, 503);
      assertThat(harness.channel.isOpen()).isFalse();
    }
  }

  private static Http1Hardening small() {
    return new Http1Hardening(
        1, 5, new PathNormalizer(true, true, EscapedSlashesAction.REJECT_REQUEST));
  }

  private static void assertRejectedWith(GuardHarness harness, int status) {
    String output = harness.output();
    assertStatuses(output, status);
    assertThat(output).contains("\r\nconnection: close\r\n", "\r\ncontent-length: 0\r\n");
    assertThat(output).endsWith("\r\n\r\n");
    assertThat(harness.channel.isOpen()).as("connection closed").isFalse();
    assertThat(harness.forwarded).as("forwarded to the data path").isEmpty();
    assertThat(harness.localReplies()).extracting(r -> r.status().code()).containsExactly(status);
  }

  private static void assertStatuses(String output, int... statuses) {
    Matcher matcher = STATUS_LINE.matcher(output);
    Stream.Builder<Integer> found = Stream.builder();
    while (matcher.find()) {
      found.add(Integer.parseInt(matcher.group(1)));
    }
    assertThat(found.build().toList())
        .as("responses written in:%n%s", output)
        .containsExactly(java.util.Arrays.stream(statuses).boxed().toArray(Integer[]::new));
  }
}
