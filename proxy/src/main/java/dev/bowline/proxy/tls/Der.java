package dev.bowline.proxy.tls;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;

/**
 * The little DER (ASN.1 distinguished encoding) needed to turn PKCS#1 and SEC1 private keys into
 * PKCS#8: read one element, write one element, decode an object identifier.
 *
 * <p><b>Threading.</b> {@link Reader} is not thread-safe; the static methods are.
 */
final class Der {

  static final int INTEGER = 0x02;
  static final int OCTET_STRING = 0x04;
  static final int NULL = 0x05;
  static final int OBJECT_IDENTIFIER = 0x06;
  static final int SEQUENCE = 0x30;
  static final int CONTEXT_0 = 0xa0;

  private Der() {}

  /** Thrown when bytes are not the DER structure expected. */
  static final class MalformedException extends Exception {
    private static final long serialVersionUID = 1L;

    MalformedException(String message) {
      super(message);
    }
  }

  /** One element: its tag and the bytes of its value. */
  record Element(int tag, byte[] value) {

    /** A reader over this element's value, for constructed elements (SEQUENCE, [0]). */
    Reader contents() {
      return new Reader(value);
    }
  }

  /** Reads consecutive elements from a byte array. */
  static final class Reader {
    private final byte[] bytes;
    private int position;

    Reader(byte[] bytes) {
      this.bytes = bytes;
    }

    boolean hasMore() {
      return position < bytes.length;
    }

    /** The next element, which must carry {@code expectedTag}. */
    Element next(int expectedTag) throws MalformedException {
      Element element = next();
      if (element.tag() != expectedTag) {
        throw new MalformedException(
            String.format("expected DER tag 0x%02x, found 0x%02x", expectedTag, element.tag()));
      }
      return element;
    }

    /** The next element, whatever its tag. */
    Element next() throws MalformedException {
      int tag = readByte();
      int first = readByte();
      int length;
      if (first < 0x80) {
        length = first;
      } else {
        int count = first & 0x7f;
        if (count == 0 || count > 3) {
          throw new MalformedException("unsupported DER length encoding");
        }
        length = 0;
        for (int i = 0; i < count; i++) {
          length = (length << 8) | readByte();
        }
      }
      if (length > bytes.length - position) {
        throw new MalformedException("DER element longer than its input");
      }
      byte[] value = Arrays.copyOfRange(bytes, position, position + length);
      position += length;
      return new Element(tag, value);
    }

    private int readByte() throws MalformedException {
      if (position >= bytes.length) {
        throw new MalformedException("truncated DER input");
      }
      return bytes[position++] & 0xff;
    }
  }

  /** Encodes one element. */
  static byte[] encode(int tag, byte[]... parts) {
    int length = 0;
    for (byte[] part : parts) {
      length += part.length;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(length + 6);
    out.write(tag);
    if (length < 0x80) {
      out.write(length);
    } else if (length < 0x100) {
      out.write(0x81);
      out.write(length);
    } else if (length < 0x10000) {
      out.write(0x82);
      out.write(length >>> 8);
      out.write(length);
    } else {
      out.write(0x83);
      out.write(length >>> 16);
      out.write(length >>> 8);
      out.write(length);
    }
    for (byte[] part : parts) {
      out.writeBytes(part);
    }
    return out.toByteArray();
  }

  /** The dotted form of an OBJECT IDENTIFIER's value bytes, such as {@code 1.2.840.10045.2.1}. */
  static String objectIdentifier(byte[] value) throws MalformedException {
    if (value.length == 0) {
      throw new MalformedException("empty object identifier");
    }
    StringBuilder dotted = new StringBuilder();
    long component = 0;
    boolean first = true;
    for (int i = 0; i < value.length; i++) {
      int b = value[i] & 0xff;
      if (component > (Long.MAX_VALUE >>> 7)) {
        throw new MalformedException("object identifier component too large");
      }
      component = (component << 7) | (b & 0x7f);
      if ((b & 0x80) != 0) {
        if (i == value.length - 1) {
          throw new MalformedException("truncated object identifier");
        }
        continue;
      }
      if (first) {
        long top = Math.min(component / 40, 2);
        dotted.append(top).append('.').append(component - top * 40);
        first = false;
      } else {
        dotted.append('.').append(component);
      }
      component = 0;
    }
    return dotted.toString();
  }
}
