package dev.bowline.proxy.http.hardening;

import io.netty.handler.codec.http.HttpMethod;

/**
 * The methods of the requests still waiting for their response, oldest first, so that the
 * response encoder knows when a response may carry no body (HEAD) or opens a tunnel (CONNECT). A
 * fixed ring of one byte per request: it bounds how far a client may pipeline ahead of the
 * responses.
 *
 * <p>Not thread-safe: owned by one {@link HardenedHttpServerCodec}, on its event loop.
 */
final class MethodQueue {

  static final byte HEAD = 1;
  static final byte CONNECT = 2;
  static final byte OTHER = 3;

  private final byte[] ring;
  private int first;
  private int size;

  MethodQueue(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be at least 1: " + capacity);
    }
    ring = new byte[capacity];
  }

  /** Adds a request's method; {@code false} when the queue is full. */
  boolean offer(HttpMethod method) {
    if (size == ring.length) {
      return false;
    }
    byte flag;
    if (HttpMethod.HEAD.equals(method)) {
      flag = HEAD;
    } else if (HttpMethod.CONNECT.equals(method)) {
      flag = CONNECT;
    } else {
      flag = OTHER;
    }
    ring[(first + size) % ring.length] = flag;
    size++;
    return true;
  }

  /** Removes the oldest method; {@link #OTHER} when the queue is empty. */
  byte poll() {
    if (size == 0) {
      return OTHER;
    }
    byte flag = ring[first];
    first = (first + 1) % ring.length;
    size--;
    return flag;
  }
}
