package dev.bowline.proxy.http2;

import io.netty.channel.ChannelHandler;
import io.netty.handler.flush.FlushConsolidationHandler;

/**
 * Batches the flushes of an HTTP/2 connection's streams into one socket write.
 *
 * <p>Every stream flushes its own frames, and a stream's response is usually written from another
 * channel's read (the upstream connection that answered it), so without batching each response of
 * a multiplexed connection costs its own {@code writev}. The handler made here sits between the
 * transport (or TLS) and the frame codec: flushes during a read of the connection wait for its
 * read-complete, and flushes from elsewhere are gathered into one task that runs after the event
 * loop has handled the I/O events ready at that moment. A close, an exception or a writability
 * change flushes at once, and at most {@value #MAX_BATCHED_FLUSHES} flushes are held.
 *
 * <p>HTTP/1.1 connections do not use it: they carry one response at a time.
 *
 * <p><b>Threading.</b> Stateless; {@link #newHandler()} makes one handler per connection, confined
 * to its event loop.
 */
public final class FlushBatching {

  /** Pipeline name of the batching handler. */
  public static final String NAME = "bowline-h2-flush-batching";

  /** The most flushes held before one is passed on regardless. */
  public static final int MAX_BATCHED_FLUSHES = 256;

  private FlushBatching() {}

  /** A new batching handler for one connection; add it right before the frame codec. */
  public static ChannelHandler newHandler() {
    return new FlushConsolidationHandler(MAX_BATCHED_FLUSHES, true);
  }
}
