package dev.bowline.proxy.http2;

import io.netty.channel.Channel;
import io.netty.handler.codec.http2.Http2StreamChannel;

/**
 * Pauses and resumes reading on a channel for backpressure, with the flush an HTTP/2 stream channel
 * needs on resume.
 *
 * <p>Why: a stream channel gives back the flow-control window it owes (WINDOW_UPDATE) when reading
 * is requested again. In Netty 4.2.18, when a read is still outstanding on the stream at that
 * moment, the WINDOW_UPDATE is written to the connection but not flushed, and nothing else may
 * flush it: the peer, out of window, sends nothing more, and the stream stalls for good. Flushing
 * the connection after resuming closes that gap; it costs nothing when there is nothing to write.
 *
 * <p><b>Threading.</b> Stateless; call on the channel's event loop.
 */
public final class StreamReading {

  private StreamReading() {}

  /** Stops reading {@code channel} (its stream window is no longer replenished). */
  public static void pause(Channel channel) {
    channel.config().setAutoRead(false);
  }

  /** Resumes reading {@code channel}; for a stream, makes sure the owed window goes out. */
  public static void resume(Channel channel) {
    boolean wasReading = channel.config().isAutoRead();
    channel.config().setAutoRead(true);
    if (!wasReading && channel instanceof Http2StreamChannel stream) {
      stream.parent().flush();
    }
  }
}
