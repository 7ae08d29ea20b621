package dev.bowline.proxy.route;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Envoy's {@code direct_response} action: answer with this status and body without going upstream.
 *
 * <p>Immutable and thread-safe.
 */
public final class DirectResponseAction implements Action {

  private final int status;
  private final ByteBuffer body;

  DirectResponseAction(int status, byte[] body) {
    this.status = status;
    this.body = ByteBuffer.wrap(body.clone()).asReadOnlyBuffer();
  }

  /** The status code, 200 to 599. */
  public int status() {
    return status;
  }

  /**
   * The body, possibly empty, as a read-only buffer of its own (position 0, limit the length) over
   * the shared bytes: wrap it without copying.
   */
  public ByteBuffer body() {
    return body.duplicate();
  }

  /** The body's length in bytes. */
  public int bodyLength() {
    return body.remaining();
  }

  @Override
  public String toString() {
    ByteBuffer copy = body();
    byte[] bytes = new byte[Math.min(copy.remaining(), 64)];
    copy.get(bytes);
    return "direct_response " + status + " " + new String(bytes, StandardCharsets.UTF_8);
  }
}
