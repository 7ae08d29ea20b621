package dev.bowline.proxy.http.hardening;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.ContentLengthNotAllowedException;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.AsciiString;
import io.netty.util.ReferenceCountUtil;
import java.util.List;

/**
 * Netty's request decoder with four additions, each marking the request head as failed (a
 * {@link DecoderResult} failure) for {@link Http1RequestGuard} to answer:
 *
 * <ul>
 *   <li>Content-Length together with {@code Transfer-Encoding: chunked} always fails with {@link
 *       ContentLengthNotAllowedException}, whatever {@link HttpDecoderConfig#setUseRfc9112TransferEncoding}
 *       or the {@code io.netty.handler.codec.http.rfc9112TransferEncoding} system property say: in
 *       the RFC 7230 mode Netty would silently drop Content-Length and forward the request, which
 *       is exactly what a smuggling attack needs.
 *   <li>obs-fold fails with {@link ObsFoldException} (Netty would join the lines).
 *   <li>More than one Content-Length field fails with {@link MultipleContentLengthsException},
 *       also on HTTP/1.0, where Netty would keep the first and rewrite the header.
 *   <li>A request beyond the pipelining bound fails with {@link PipelineDepthExceededException}.
 * </ul>
 *
 * <p>After any of these failures it discards everything that follows, like Netty does
 * after its own failures; the guard closes the connection.
 *
 * <p>Not sharable: one per channel, on its event loop.
 */
final class HardenedRequestDecoder extends HttpRequestDecoder {

  private static final int CONTENT_LENGTH_LENGTH = HttpHeaderNames.CONTENT_LENGTH.length();

  private final MethodQueue methods;
  private final int maxPipelineDepth;
  private final ObsFoldDetector folds = new ObsFoldDetector();
  private boolean discarding;
  private int contentLengthFields;

  HardenedRequestDecoder(HttpDecoderConfig config, MethodQueue methods, int maxPipelineDepth) {
    super(config);
    this.methods = methods;
    this.maxPipelineDepth = maxPipelineDepth;
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception {
    if (discarding) {
      in.skipBytes(in.readableBytes());
      return;
    }
    int start = in.readerIndex();
    int firstOut = out.size();
    boolean head = folds.inHead();
    super.decode(ctx, in, out);
    if (head) {
      folds.scan(in, start, in.readerIndex());
    }
    for (int i = firstOut; i < out.size(); i++) {
      Object msg = out.get(i);
      if (msg instanceof HttpRequest request) {
        boolean folded = folds.headEnded();
        int contentLengths = contentLengthFields;
        contentLengthFields = 0;
        if (!methods.offer(request.method())) {
          failAndDiscard(request, new PipelineDepthExceededException(maxPipelineDepth), in, out, i);
          return;
        }
        if (request.decoderResult().isSuccess()) {
          if (folded) {
            failAndDiscard(request, new ObsFoldException(), in, out, i);
            return;
          }
          if (contentLengths > 1) {
            failAndDiscard(request, new MultipleContentLengthsException(), in, out, i);
            return;
          }
        }
      }
      if (msg instanceof LastHttpContent) {
        folds.messageEnded();
        contentLengthFields = 0;
      }
    }
  }

  private void failAndDiscard(
      HttpRequest request, Exception cause, ByteBuf in, List<Object> out, int index) {
    request.setDecoderResult(DecoderResult.failure(cause));
    discarding = true;
    while (out.size() > index + 1) {
      ReferenceCountUtil.release(out.remove(out.size() - 1));
    }
    in.skipBytes(in.readableBytes());
  }

  @Override
  protected AsciiString splitHeaderName(byte[] sb, int start, int length) {
    AsciiString name = super.splitHeaderName(sb, start, length);
    if (length == CONTENT_LENGTH_LENGTH
        && HttpHeaderNames.CONTENT_LENGTH.contentEqualsIgnoreCase(name)) {
      contentLengthFields++;
    }
    return name;
  }

  @Override
  protected void handleTransferEncodingChunkedWithContentLength(HttpMessage message) {
    clearContentLength();
    throw new ContentLengthNotAllowedException(
        "Content-Length is not allowed together with Transfer-Encoding");
  }

  @Override
  public void reset() {
    super.reset();
    folds.messageEnded();
    contentLengthFields = 0;
  }
}
