package dev.bowline.proxy.hash;

import java.nio.charset.StandardCharsets;

/**
 * XXH64, the 64-bit xxHash of Yann Collet, with seed 0: the hash Envoy's hash policies use for the
 * keys of consistent hashing ({@code HashUtil::xxHash64}). The same bytes give the same key in
 * every process and on every platform.
 *
 * <p>Text is hashed as its UTF-8 bytes. Text that is all ASCII (header values, cookies, query
 * parameters, IP literals, nearly always) is hashed straight from its characters, without
 * allocating; other text is encoded first.
 *
 * <p>Stateless and thread-safe.
 */
public final class XxHash64 {

  private static final long PRIME1 = 0x9E3779B185EBCA87L;
  private static final long PRIME2 = 0xC2B2AE3D27D4EB4FL;
  private static final long PRIME3 = 0x165667B19E3779F9L;
  private static final long PRIME4 = 0x85EBCA77C2B2AE63L;
  private static final long PRIME5 = 0x27D4EB2F165667C5L;

  private XxHash64() {}

  /** The hash of the UTF-8 bytes of {@code text}. */
  public static long hash(CharSequence text) {
    return hash(text, 0, text.length());
  }

  /** The hash of the UTF-8 bytes of {@code text[from, to)}. */
  public static long hash(CharSequence text, int from, int to) {
    if (from < 0 || to > text.length() || from > to) {
      throw new IndexOutOfBoundsException("[" + from + ", " + to + ") of " + text.length());
    }
    for (int i = from; i < to; i++) {
      if (text.charAt(i) >= 0x80) {
        byte[] utf8 = text.subSequence(from, to).toString().getBytes(StandardCharsets.UTF_8);
        return hash(utf8, 0, utf8.length);
      }
    }
    return hashAscii(text, from, to);
  }

  /** The hash of {@code bytes[offset, offset + length)}. */
  public static long hash(byte[] bytes, int offset, int length) {
    if (offset < 0 || length < 0 || offset + length > bytes.length) {
      throw new IndexOutOfBoundsException(offset + "+" + length + " of " + bytes.length);
    }
    int end = offset + length;
    int p = offset;
    long h;
    if (length >= 32) {
      long v1 = PRIME1 + PRIME2;
      long v2 = PRIME2;
      long v3 = 0;
      long v4 = -PRIME1;
      int limit = end - 32;
      while (p <= limit) {
        v1 = round(v1, longAt(bytes, p));
        v2 = round(v2, longAt(bytes, p + 8));
        v3 = round(v3, longAt(bytes, p + 16));
        v4 = round(v4, longAt(bytes, p + 24));
        p += 32;
      }
      h = converge(v1, v2, v3, v4);
    } else {
      h = PRIME5;
    }
    h += length;
    while (p + 8 <= end) {
      h = mixLong(h, longAt(bytes, p));
      p += 8;
    }
    if (p + 4 <= end) {
      h = mixInt(h, intAt(bytes, p));
      p += 4;
    }
    while (p < end) {
      h = mixByte(h, bytes[p] & 0xFF);
      p++;
    }
    return avalanche(h);
  }

  /** Formats a hash as Envoy does ({@code Hex::uint64ToHex}): 16 lowercase hex digits. */
  public static String toHex(long hash) {
    char[] out = new char[16];
    for (int i = 15; i >= 0; i--) {
      int digit = (int) (hash & 0xF);
      out[i] = (char) (digit < 10 ? '0' + digit : 'a' + digit - 10);
      hash >>>= 4;
    }
    return new String(out);
  }

  /** {@link #hash(byte[], int, int)} over characters that are all below 0x80 (one byte each). */
  private static long hashAscii(CharSequence text, int from, int to) {
    int length = to - from;
    int p = from;
    long h;
    if (length >= 32) {
      long v1 = PRIME1 + PRIME2;
      long v2 = PRIME2;
      long v3 = 0;
      long v4 = -PRIME1;
      int limit = to - 32;
      while (p <= limit) {
        v1 = round(v1, longAt(text, p));
        v2 = round(v2, longAt(text, p + 8));
        v3 = round(v3, longAt(text, p + 16));
        v4 = round(v4, longAt(text, p + 24));
        p += 32;
      }
      h = converge(v1, v2, v3, v4);
    } else {
      h = PRIME5;
    }
    h += length;
    while (p + 8 <= to) {
      h = mixLong(h, longAt(text, p));
      p += 8;
    }
    if (p + 4 <= to) {
      h = mixInt(h, intAt(text, p));
      p += 4;
    }
    while (p < to) {
      h = mixByte(h, text.charAt(p));
      p++;
    }
    return avalanche(h);
  }

  private static long round(long acc, long input) {
    acc += input * PRIME2;
    acc = Long.rotateLeft(acc, 31);
    return acc * PRIME1;
  }

  private static long mergeRound(long acc, long value) {
    acc ^= round(0, value);
    return acc * PRIME1 + PRIME4;
  }

  private static long converge(long v1, long v2, long v3, long v4) {
    long h =
        Long.rotateLeft(v1, 1) + Long.rotateLeft(v2, 7) + Long.rotateLeft(v3, 12)
            + Long.rotateLeft(v4, 18);
    h = mergeRound(h, v1);
    h = mergeRound(h, v2);
    h = mergeRound(h, v3);
    return mergeRound(h, v4);
  }

  private static long mixLong(long h, long k) {
    h ^= round(0, k);
    return Long.rotateLeft(h, 27) * PRIME1 + PRIME4;
  }

  private static long mixInt(long h, long k) {
    h ^= k * PRIME1;
    return Long.rotateLeft(h, 23) * PRIME2 + PRIME3;
  }

  private static long mixByte(long h, int b) {
    h ^= b * PRIME5;
    return Long.rotateLeft(h, 11) * PRIME1;
  }

  private static long avalanche(long h) {
    h ^= h >>> 33;
    h *= PRIME2;
    h ^= h >>> 29;
    h *= PRIME3;
    return h ^ (h >>> 32);
  }

  private static long longAt(byte[] b, int p) {
    return (b[p] & 0xFFL)
        | (b[p + 1] & 0xFFL) << 8
        | (b[p + 2] & 0xFFL) << 16
        | (b[p + 3] & 0xFFL) << 24
        | (b[p + 4] & 0xFFL) << 32
        | (b[p + 5] & 0xFFL) << 40
        | (b[p + 6] & 0xFFL) << 48
        | (b[p + 7] & 0xFFL) << 56;
  }

  private static long intAt(byte[] b, int p) {
    return (b[p] & 0xFFL) | (b[p + 1] & 0xFFL) << 8 | (b[p + 2] & 0xFFL) << 16 | (b[p + 3] & 0xFFL) << 24;
  }

  private static long longAt(CharSequence s, int p) {
    return (long) s.charAt(p)
        | (long) s.charAt(p + 1) << 8
        | (long) s.charAt(p + 2) << 16
        | (long) s.charAt(p + 3) << 24
        | (long) s.charAt(p + 4) << 32
        | (long) s.charAt(p + 5) << 40
        | (long) s.charAt(p + 6) << 48
        | (long) s.charAt(p + 7) << 56;
  }

  private static long intAt(CharSequence s, int p) {
    return (long) s.charAt(p)
        | (long) s.charAt(p + 1) << 8
        | (long) s.charAt(p + 2) << 16
        | (long) s.charAt(p + 3) << 24;
  }
}
