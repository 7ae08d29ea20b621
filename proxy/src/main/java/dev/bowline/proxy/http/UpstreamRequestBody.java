package dev.bowline.proxy.http;

import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpContent;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;
import java.util.List;
import java.util.function.Consumer;

/**
 * A request body on its way upstream: each piece goes to the connected try, or waits while no
 * connection is ready; while retries are possible every piece is also kept (in a {@link
 * RequestBodyReplay}, up to the buffer limit) so that the next try gets the whole body again.
 * Writes are not flushed here.
 *
 * <p><b>Threading.</b> Confined to the request's event loop. Ownership: pieces given to {@link
 * #add} belong to this body until they are written or {@link #release()}d.
 */
final class UpstreamRequestBody {

  /** What became of a piece. */
  enum Outcome {
    /** Written to the connected try, or waiting for one (and kept, if keeping). */
    TAKEN,
    /** Taken, but the body outgrew the buffer: it is no longer kept, no retry can resend it. */
    OUTGREW_BUFFER,
    /**
     * The body outgrew the buffer between two tries: what the next try needed is gone, and
     * everything held (the piece too) was released.
     */
    LOST
  }

  private final ArrayDeque<HttpContent> waiting = new ArrayDeque<>();
  private RequestBodyReplay kept;

  /**
   * Starts keeping the body for retries, up to {@code limit} bytes, with the pieces already
   * waiting. Returns false, keeping nothing, when those pieces are over the limit already.
   */
  boolean keepForRetries(long limit) {
    RequestBodyReplay replay = new RequestBodyReplay(limit);
    for (HttpContent piece : waiting) {
      if (!replay.offer(piece)) {
        replay.takeAll(); // the pieces stay where they were, waiting
        return false;
      }
    }
    waiting.clear();
    kept = replay;
    return true;
  }

  /**
   * A piece of the body, in order.
   *
   * @param connected the channel of the try that is connected, or {@code null} when none is
   * @param betweenTries whether no try is under way (a retry waits for its back-off)
   */
  Outcome add(HttpContent piece, Channel connected, boolean betweenTries) {
    if (kept == null) {
      send(piece, connected);
      return Outcome.TAKEN;
    }
    if (kept.offer(piece)) {
      if (connected != null) {
        connected.write(piece.retainedDuplicate());
      }
      return Outcome.TAKEN;
    }
    List<HttpContent> held = kept.takeAll();
    kept = null;
    if (connected == null && betweenTries) {
      held.forEach(ReferenceCountUtil::release);
      piece.release();
      return Outcome.LOST;
    }
    if (connected != null) {
      // The connected try has every earlier piece already.
      held.forEach(ReferenceCountUtil::release);
    } else {
      waiting.addAll(held);
    }
    send(piece, connected);
    return Outcome.OUTGREW_BUFFER;
  }

  private void send(HttpContent piece, Channel connected) {
    if (connected != null) {
      connected.write(piece);
    } else {
      waiting.add(piece);
    }
  }

  /** A try just connected: writes it the body so far (what is kept, or what waited). */
  void writeTo(Channel connected) {
    if (kept != null) {
      kept.writeTo(connected);
      return;
    }
    HttpContent piece;
    while ((piece = waiting.poll()) != null) {
      connected.write(piece);
    }
  }

  /**
   * Hands each piece waiting for a connection (before any try started), in order, to {@code
   * action}; the pieces stay here.
   */
  void forEachWaiting(Consumer<HttpContent> action) {
    waiting.forEach(action);
  }

  /** No retry can happen any more: what is kept is released (the connected try has it all). */
  void stopKeeping() {
    if (kept != null) {
      kept.release();
      kept = null;
    }
  }

  /** The request is over: releases everything held. */
  void release() {
    stopKeeping();
    HttpContent piece;
    while ((piece = waiting.poll()) != null) {
      ReferenceCountUtil.release(piece);
    }
  }
}
