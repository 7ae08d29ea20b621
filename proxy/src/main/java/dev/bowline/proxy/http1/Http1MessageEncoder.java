package dev.bowline.proxy.http1;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.VoidChannelPromise;
import io.netty.handler.codec.EncoderException;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.AsciiString;
import io.netty.util.ReferenceCountUtil;
import java.util.Iterator;
import java.util.Map;

/**
 * Encodes the HTTP/1.x messages of one connection into bytes: a head ({@code H}), then contents
 * ending with a {@link LastHttpContent}, or a full message. The framing follows Netty's {@code
 * HttpObjectEncoder}: a head whose message can have no body ({@link #isContentAlwaysEmpty}) drops
 * every content written after it; {@code Transfer-Encoding: chunked} chunk-encodes the contents and
 * writes the trailers of the last one; otherwise contents go out as they are (Content-Length or
 * close-delimited). A {@link ByteBuf} between a head and its last content is a content; an empty
 * one outside a message passes through (the close idiom).
 *
 * <p>What it saves over Netty's encoder: the head's size is counted exactly and the head is
 * written into its event loop's {@link HeadSlab} instead of a pooled buffer of its own; no output
 * list, and no promise combiner for a message of several buffers (all but the last are written
 * with a promise that never reports, and the caller's promise goes with the last: the connection
 * writes in order, so it fails if any of them does).
 *
 * <p>Header names and values are written as they are: they are validated when they enter the
 * headers (the decoders and the header edits of the data path), not here. A {@link String} is
 * written one byte per character, as Netty does: ISO-8859-1, with {@code ?} for a character beyond
 * it.
 *
 * <p><b>Threading.</b> One instance per connection (not sharable), on its event loop.
 *
 * @param <H> the head this encoder writes: a request towards an upstream, a response towards a
 *     client
 */
public abstract class Http1MessageEncoder<H extends HttpMessage> extends ChannelOutboundHandlerAdapter {

  private static final int INIT = 0;
  private static final int FIXED = 1;
  private static final int CHUNKED = 2;
  private static final int EMPTY = 3;

  private static final int CRLF = ('\r' << 8) | '\n';
  private static final ByteBuf CRLF_BUF =
      Unpooled.unreleasableBuffer(Unpooled.directBuffer(2).writeShort(CRLF)).asReadOnly();
  private static final ByteBuf LAST_CHUNK_BUF =
      Unpooled.unreleasableBuffer(
              Unpooled.directBuffer(5).writeByte('0').writeShort(CRLF).writeShort(CRLF))
          .asReadOnly();

  private final Class<H> headType;
  private int state = INIT;
  private boolean passThrough;
  private ChannelPromise quiet;
  /** The buffer produced last and not yet written (so that the caller's promise goes with it). */
  private Object held;

  /** @param headType the type of head this encoder writes */
  protected Http1MessageEncoder(Class<H> headType) {
    this.headType = headType;
  }

  /** Whether the body of this message is always empty (it is dropped, whatever is written). */
  protected abstract boolean isContentAlwaysEmpty(H head);

  /**
   * Edits the head's headers before it is written, knowing whether its body is always empty (the
   * framing has been decided already). Does nothing by default.
   */
  protected void sanitizeHeadersBeforeEncode(H head, boolean alwaysEmpty) {}

  /** The length in bytes of the start line, with its CRLF. */
  protected abstract int startLineLength(H head);

  /** Writes the start line with its CRLF; exactly {@link #startLineLength} bytes. */
  protected abstract void writeStartLine(H head, ByteBuf out);

  /**
   * From now on every write passes through as it is: the connection has become a tunnel (a
   * WebSocket after its {@code 101}).
   */
  public final void passThrough() {
    passThrough = true;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    quiet = new VoidChannelPromise(ctx.channel(), false);
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    if (passThrough) {
      ctx.write(msg, promise);
      return;
    }
    try {
      if (msg instanceof HttpMessage message) {
        writeMessage(ctx, message);
      } else if (msg instanceof HttpContent content) {
        requireBody(msg);
        writeContent(ctx, content.content(), content instanceof LastHttpContent last ? last : null);
      } else if (msg instanceof ByteBuf bytes) {
        if (state == INIT) {
          if (bytes.isReadable()) {
            throw unexpected(msg);
          }
          emit(ctx, bytes.retain());
        } else {
          writeContent(ctx, bytes, null);
        }
      } else {
        ctx.write(msg, promise);
        return;
      }
    } catch (Throwable t) {
      ReferenceCountUtil.safeRelease(held);
      held = null;
      ReferenceCountUtil.release(msg);
      promise.setFailure(t instanceof EncoderException ? t : new EncoderException(t));
      return;
    }
    ReferenceCountUtil.release(msg);
    Object last = held;
    held = null;
    ctx.write(last, promise);
  }

  private void writeMessage(ChannelHandlerContext ctx, HttpMessage message) {
    if (!headType.isInstance(message)) {
      throw unexpected(message);
    }
    if (state != INIT) {
      throw unexpected(message);
    }
    H head = headType.cast(message);
    boolean empty = isContentAlwaysEmpty(head);
    state = empty ? EMPTY : HttpUtil.isTransferEncodingChunked(head) ? CHUNKED : FIXED;
    sanitizeHeadersBeforeEncode(head, empty);
    emit(ctx, encodeHead(ctx, head));
    if (message instanceof HttpContent content) {
      writeContent(ctx, content.content(), content instanceof LastHttpContent last ? last : null);
    }
  }

  private ByteBuf encodeHead(ChannelHandlerContext ctx, H head) {
    HttpHeaders headers = head.headers();
    int size = startLineLength(head) + 2;
    for (Iterator<Map.Entry<CharSequence, CharSequence>> it = headers.iteratorCharSequence(); it.hasNext(); ) {
      Map.Entry<CharSequence, CharSequence> header = it.next();
      size += header.getKey().length() + header.getValue().length() + 4;
    }
    ByteBuf out = HeadSlab.reserve(ctx.alloc(), size);
    int start = out.writerIndex();
    writeStartLine(head, out);
    writeFields(headers, out);
    out.writeShort(CRLF);
    return HeadSlab.finish(out, start);
  }

  /** Writes one content's bytes (not yet released) with the framing of the current message. */
  private void writeContent(ChannelHandlerContext ctx, ByteBuf data, LastHttpContent last) {
    switch (state) {
      case FIXED -> {
        if (data.isReadable()) {
          emit(ctx, data.retain());
        }
      }
      case EMPTY -> {}
      case CHUNKED -> {
        int length = data.readableBytes();
        if (length > 0) {
          emit(ctx, chunkSizeLine(ctx, length));
          emit(ctx, data.retain());
          emit(ctx, CRLF_BUF.duplicate());
        }
        if (last != null) {
          emit(ctx, lastChunk(ctx, last.trailingHeaders()));
        }
      }
      default -> throw new IllegalStateException("content outside a message");
    }
    if (last != null) {
      state = INIT;
    }
    if (held == null) {
      held = Unpooled.EMPTY_BUFFER; // the caller's promise still needs a write to go with
    }
  }

  private static ByteBuf chunkSizeLine(ChannelHandlerContext ctx, int length) {
    int digits = (Integer.SIZE - Integer.numberOfLeadingZeros(length) + 3) / 4;
    ByteBuf out = HeadSlab.reserve(ctx.alloc(), digits + 2);
    int start = out.writerIndex();
    for (int shift = (digits - 1) * 4; shift >= 0; shift -= 4) {
      out.writeByte(Character.forDigit((length >>> shift) & 0xF, 16));
    }
    out.writeShort(CRLF);
    return HeadSlab.finish(out, start);
  }

  private static ByteBuf lastChunk(ChannelHandlerContext ctx, HttpHeaders trailers) {
    if (trailers.isEmpty()) {
      return LAST_CHUNK_BUF.duplicate();
    }
    int size = 5;
    for (Iterator<Map.Entry<CharSequence, CharSequence>> it = trailers.iteratorCharSequence(); it.hasNext(); ) {
      Map.Entry<CharSequence, CharSequence> trailer = it.next();
      size += trailer.getKey().length() + trailer.getValue().length() + 4;
    }
    ByteBuf out = HeadSlab.reserve(ctx.alloc(), size);
    int start = out.writerIndex();
    out.writeByte('0').writeShort(CRLF);
    writeFields(trailers, out);
    out.writeShort(CRLF);
    return HeadSlab.finish(out, start);
  }

  private static void writeFields(HttpHeaders headers, ByteBuf out) {
    for (Iterator<Map.Entry<CharSequence, CharSequence>> it = headers.iteratorCharSequence(); it.hasNext(); ) {
      Map.Entry<CharSequence, CharSequence> header = it.next();
      writeAscii(header.getKey(), out);
      out.writeShort((':' << 8) | ' ');
      writeAscii(header.getValue(), out);
      out.writeShort(CRLF);
    }
  }

  /** Writes {@code text} one byte per character (ISO-8859-1, {@code ?} for a character beyond it). */
  protected static void writeAscii(CharSequence text, ByteBuf out) {
    if (text instanceof AsciiString ascii) {
      ByteBufUtil.copy(ascii, out);
    } else {
      ByteBufUtil.writeAscii(out, text);
    }
  }

  /** The length of a version's text ({@code HTTP/1.1}). */
  protected static int versionLength(HttpVersion version) {
    return version.text().length();
  }

  /** Writes a version's text ({@code HTTP/1.1}). */
  protected static void writeVersion(HttpVersion version, ByteBuf out) {
    ByteBufUtil.writeAscii(out, version.text());
  }

  /** Writes CRLF. */
  protected static void writeCrlf(ByteBuf out) {
    out.writeShort(CRLF);
  }

  /** Queues a buffer of the current write; the one before it goes out with the quiet promise. */
  private void emit(ChannelHandlerContext ctx, Object buffer) {
    if (held != null && held != Unpooled.EMPTY_BUFFER) {
      ctx.write(held, quiet);
    }
    held = buffer;
  }

  private void requireBody(Object msg) {
    if (state == INIT) {
      throw unexpected(msg);
    }
  }

  private IllegalStateException unexpected(Object msg) {
    return new IllegalStateException(
        "unexpected message type: " + msg.getClass().getSimpleName() + ", state: " + state);
  }
}
