package dev.bowline.proxy.tls;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.util.concurrent.Future;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Per plaintext connection, on a listener whose chains match plaintext by application protocol
 * (Istio's {@code raw_buffer} chains with {@code application_protocols: [http/1.1, h2c]}): reads
 * the first bytes until they show the HTTP version, as Envoy's {@code http_inspector} does, then
 * selects the chain with that protocol ({@code h2c} for the HTTP/2 connection preface, {@code
 * http/1.1} or {@code http/1.0} for a request line of that version, none for anything else) and
 * hands the untouched bytes to the chain's handlers.
 *
 * <p>A request line is looked for in the first {@value #MAX_INSPECTED} bytes; bytes that cannot
 * start an HTTP/1 request (a method is upper-case letters followed by a space) end the inspection
 * at once. A connection that sends no more within the ClientHello timeout goes on without a
 * protocol (Istio's {@code continue_on_listener_filters_timeout}).
 *
 * <p><b>Threading.</b> One instance per connection, used on its event loop only.
 */
final class HttpVersionSniffer extends ByteToMessageDecoder {

  static final String NAME = "bowline-http-inspector";

  /** Envoy's http_inspector reads at most 8 KiB. */
  static final int MAX_INSPECTED = 8192;

  private static final byte[] H2_PREFACE =
      "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

  private static final Logger log = LoggerFactory.getLogger(HttpVersionSniffer.class);

  private final ListenerTls listener;
  private final FilterChainInitializer initializer;
  private Future<?> timeout;
  private boolean decided;

  HttpVersionSniffer(ListenerTls listener, FilterChainInitializer initializer) {
    this.listener = listener;
    this.initializer = initializer;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    timeout =
        ctx.executor()
            .schedule(
                () -> {
                  if (!ctx.isRemoved() && !decided) {
                    decide(ctx, null);
                  }
                },
                listener.clientHelloTimeoutMillis(),
                TimeUnit.MILLISECONDS);
  }

  @Override
  protected void handlerRemoved0(ChannelHandlerContext ctx) {
    if (timeout != null) {
      timeout.cancel(false);
    }
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    if (decided) {
      return;
    }
    Verdict verdict = inspect(in);
    if (verdict != Verdict.MORE) {
      decide(ctx, verdict.protocol);
    }
  }

  private void decide(ChannelHandlerContext ctx, String protocol) {
    decided = true;
    ClientHello seen =
        new ClientHello(
            Optional.empty(), protocol == null ? List.of() : List.of(protocol), false);
    OptionalInt index = listener.select(seen);
    if (index.isEmpty()) {
      log.debug("{}: no filter chain matches {}; closing", ctx.channel(), seen);
      try {
        initializer.onNoFilterChainMatch(ctx.channel(), seen);
      } finally {
        ctx.close();
      }
      return;
    }
    try {
      initializer.initialize(
          ctx.channel(),
          new FilterChainSelection(
              index.getAsInt(),
              listener.chains().get(index.getAsInt()),
              seen,
              Optional.empty(),
              Optional.empty()));
    } catch (Exception e) {
      log.warn("{}: filter chain {} could not be installed; closing", ctx.channel(), index, e);
      ctx.close();
      return;
    }
    // Removing forwards the bytes read so far to the handlers just added.
    ctx.pipeline().remove(this);
  }

  /** What the first bytes show. */
  enum Verdict {
    H2C("h2c"),
    HTTP_1_1("http/1.1"),
    HTTP_1_0("http/1.0"),
    NOT_HTTP(null),
    MORE(null);

    final String protocol;

    Verdict(String protocol) {
      this.protocol = protocol;
    }
  }

  /** Classifies the bytes read so far without consuming them. */
  static Verdict inspect(ByteBuf in) {
    int start = in.readerIndex();
    int readable = in.readableBytes();
    boolean prefaceSoFar = true;
    for (int i = 0; i < Math.min(readable, H2_PREFACE.length); i++) {
      if (in.getByte(start + i) != H2_PREFACE[i]) {
        prefaceSoFar = false;
        break;
      }
    }
    if (prefaceSoFar) {
      return readable >= H2_PREFACE.length ? Verdict.H2C : Verdict.MORE;
    }
    int limit = Math.min(readable, MAX_INSPECTED);
    int space = -1;
    for (int i = 0; i < limit; i++) {
      byte b = in.getByte(start + i);
      if (space < 0) {
        if (b == ' ' && i > 0) {
          space = i;
        } else if (b < 'A' || b > 'Z') {
          return Verdict.NOT_HTTP; // not a method token
        }
      } else if (b == '\n') {
        int end = i > 0 && in.getByte(start + i - 1) == '\r' ? i - 1 : i;
        String line = in.toString(start, end, StandardCharsets.US_ASCII);
        if (line.endsWith(" HTTP/1.1")) {
          return Verdict.HTTP_1_1;
        }
        return line.endsWith(" HTTP/1.0") ? Verdict.HTTP_1_0 : Verdict.NOT_HTTP;
      }
    }
    return readable >= MAX_INSPECTED ? Verdict.NOT_HTTP : Verdict.MORE;
  }
}
