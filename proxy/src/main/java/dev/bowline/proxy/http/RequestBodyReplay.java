package dev.bowline.proxy.http;

import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpContent;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayList;
import java.util.List;

/**
 * The request body kept so that a retry can send it again, up to a limit (Envoy: the listener's
 * {@code per_connection_buffer_limit_bytes}). It holds the pieces it took, in order, and hands each
 * try {@linkplain HttpContent#retainedDuplicate() retained duplicates} of them, so the bytes are
 * never copied. A piece that would take it past the limit is refused: the request then cannot be
 * retried and its body goes on streaming.
 *
 * <p><b>Threading.</b> Confined to the request's event loop. Ownership: pieces taken by {@link
 * #offer} belong to this buffer until {@link #takeAll()} or {@link #release()}.
 */
final class RequestBodyReplay {

  private final long limit;
  private final List<HttpContent> pieces = new ArrayList<>();
  private long bytes;

  /** @param limit the most body bytes to hold */
  RequestBodyReplay(long limit) {
    this.limit = limit;
  }

  /**
   * Takes {@code content} if the body still fits the limit with it. If not, returns false and the
   * caller keeps {@code content}.
   */
  boolean offer(HttpContent content) {
    long size = content.content().readableBytes();
    if (bytes + size > limit) {
      return false;
    }
    bytes += size;
    pieces.add(content);
    return true;
  }

  /** The body bytes held. */
  long bytes() {
    return bytes;
  }

  /** Writes a retained duplicate of every piece held, in order, to {@code channel}; no flush. */
  void writeTo(Channel channel) {
    for (HttpContent piece : pieces) {
      channel.write(piece.retainedDuplicate());
    }
  }

  /** Hands every piece held to the caller, in order, and holds nothing more. */
  List<HttpContent> takeAll() {
    List<HttpContent> all = new ArrayList<>(pieces);
    pieces.clear();
    bytes = 0;
    return all;
  }

  /** Releases every piece held. */
  void release() {
    for (HttpContent piece : pieces) {
      ReferenceCountUtil.release(piece);
    }
    pieces.clear();
    bytes = 0;
  }
}
