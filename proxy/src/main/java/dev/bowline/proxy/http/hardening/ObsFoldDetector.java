package dev.bowline.proxy.http.hardening;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpConstants;

/**
 * Notices obs-fold (a header line starting with a space or tab, RFC 9112 §5.2) in the bytes of a
 * request head. Netty's decoder silently joins such a line to the previous value, so a proxy and
 * its upstream could disagree on the header; Bowline rejects it instead, as Envoy does.
 *
 * <p>The decoder passes it exactly the bytes it consumed while reading a request head (request
 * line, header lines, blank line); body bytes are never scanned, so a body cannot trigger it. A
 * folded line is "LF followed by SP or HTAB", also across two reads.
 *
 * <p>Not thread-safe: one per decoder, on its event loop.
 */
final class ObsFoldDetector {

  private boolean inHead = true;
  private boolean lastByteWasLineFeed;
  private boolean foldSeen;

  /** Whether the next bytes the decoder consumes belong to a request head. */
  boolean inHead() {
    return inHead;
  }

  /** Scans {@code buf[from, to)}, head bytes the decoder just consumed. */
  void scan(ByteBuf buf, int from, int to) {
    if (from >= to) {
      return;
    }
    if (lastByteWasLineFeed && isFoldStart(buf.getByte(from))) {
      foldSeen = true;
    }
    int i = from;
    int lineFeed;
    while (!foldSeen && (lineFeed = buf.indexOf(i, to, HttpConstants.LF)) >= 0) {
      if (lineFeed + 1 < to && isFoldStart(buf.getByte(lineFeed + 1))) {
        foldSeen = true;
      }
      i = lineFeed + 1;
    }
    lastByteWasLineFeed = buf.getByte(to - 1) == HttpConstants.LF;
  }

  /** The decoder emitted the request head; returns whether it contained obs-fold. */
  boolean headEnded() {
    boolean folded = foldSeen;
    inHead = false;
    foldSeen = false;
    lastByteWasLineFeed = false;
    return folded;
  }

  /** The request ended (or the decoder was reset): the next bytes start a new head. */
  void messageEnded() {
    inHead = true;
    foldSeen = false;
    lastByteWasLineFeed = false;
  }

  private static boolean isFoldStart(byte b) {
    return b == HttpConstants.SP || b == HttpConstants.HT;
  }
}
