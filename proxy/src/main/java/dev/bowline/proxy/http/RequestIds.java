package dev.bowline.proxy.http;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Makes {@code x-request-id} values: random (version 4) UUIDs drawn from {@link ThreadLocalRandom},
 * which never blocks, unlike {@link java.util.UUID#randomUUID()}'s SecureRandom. Request ids
 * correlate logs and traces; they are not secrets.
 */
final class RequestIds {

  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private RequestIds() {}

  static String next() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    long hi = (random.nextLong() & 0xffffffffffff0fffL) | 0x0000000000004000L;
    long lo = (random.nextLong() & 0x3fffffffffffffffL) | 0x8000000000000000L;
    char[] out = new char[36];
    int p = 0;
    p = hex(hi >>> 32, 8, out, p);
    out[p++] = '-';
    p = hex(hi >>> 16, 4, out, p);
    out[p++] = '-';
    p = hex(hi, 4, out, p);
    out[p++] = '-';
    p = hex(lo >>> 48, 4, out, p);
    out[p++] = '-';
    hex(lo, 12, out, p);
    return new String(out);
  }

  private static int hex(long value, int digits, char[] out, int pos) {
    for (int i = digits - 1; i >= 0; i--) {
      out[pos + i] = HEX[(int) (value & 0xf)];
      value >>>= 4;
    }
    return pos + digits;
  }
}
