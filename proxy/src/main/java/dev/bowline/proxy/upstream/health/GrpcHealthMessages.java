package dev.bowline.proxy.upstream.health;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.charset.StandardCharsets;

/**
 * The two messages of {@code grpc.health.v1.Health/Check}, encoded and decoded by hand (the
 * protobuf wire format of two one-field messages) in gRPC's length-prefixed framing, so the proxy
 * needs no generated classes: {@code HealthCheckRequest { string service = 1; }} and {@code
 * HealthCheckResponse { ServingStatus status = 1; }}. Stateless.
 */
final class GrpcHealthMessages {

  /** {@code HealthCheckResponse.ServingStatus.SERVING}. */
  static final int SERVING = 1;

  /** The answer had no well-formed single message. */
  static final int MALFORMED = -1;

  /** The message was compressed (no compression was offered, so the server may not). */
  static final int COMPRESSED = -2;

  private static final int MAX_MESSAGE_BYTES = 4096;

  private GrpcHealthMessages() {}

  /** The framed request asking about {@code service} (empty: the server as a whole). */
  static ByteBuf request(ByteBufAllocator alloc, String service) {
    byte[] name = service.getBytes(StandardCharsets.UTF_8);
    int messageLength = name.length == 0 ? 0 : 1 + varintSize(name.length) + name.length;
    ByteBuf out = alloc.buffer(5 + messageLength);
    out.writeByte(0); // not compressed
    out.writeInt(messageLength);
    if (name.length > 0) {
      out.writeByte((1 << 3) | 2); // field 1, length-delimited
      writeVarint(out, name.length);
      out.writeBytes(name);
    }
    return out;
  }

  /**
   * The {@code status} of the single framed response in {@code body}, 0 ({@code UNKNOWN}) when the
   * message leaves it out, {@link #MALFORMED} or {@link #COMPRESSED} when it cannot be read.
   */
  static int servingStatus(ByteBuf body) {
    if (body.readableBytes() < 5) {
      return MALFORMED;
    }
    int index = body.readerIndex();
    int flag = body.getUnsignedByte(index);
    long length = body.getUnsignedInt(index + 1);
    if (flag != 0) {
      return flag == 1 ? COMPRESSED : MALFORMED;
    }
    if (length > MAX_MESSAGE_BYTES || body.readableBytes() != 5 + length) {
      return MALFORMED; // too long, cut short, or more than one message
    }
    return status(body.slice(index + 5, (int) length));
  }

  private static int status(ByteBuf message) {
    int status = 0;
    while (message.isReadable()) {
      long tag = readVarint(message);
      if (tag < 0) {
        return MALFORMED;
      }
      int field = (int) (tag >>> 3);
      int wireType = (int) (tag & 7);
      switch (wireType) {
        case 0 -> {
          long value = readVarint(message);
          if (value < 0) {
            return MALFORMED;
          }
          if (field == 1) {
            status = (int) value;
          }
        }
        case 1 -> {
          if (!skip(message, 8)) {
            return MALFORMED;
          }
        }
        case 2 -> {
          long length = readVarint(message);
          if (length < 0 || !skip(message, length)) {
            return MALFORMED;
          }
        }
        case 5 -> {
          if (!skip(message, 4)) {
            return MALFORMED;
          }
        }
        default -> {
          return MALFORMED;
        }
      }
    }
    return status;
  }

  private static boolean skip(ByteBuf message, long bytes) {
    if (bytes > message.readableBytes()) {
      return false;
    }
    message.skipBytes((int) bytes);
    return true;
  }

  /** A varint of at most 10 bytes, or -1 when it is cut short or too long. */
  private static long readVarint(ByteBuf in) {
    long value = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (!in.isReadable()) {
        return -1;
      }
      int b = in.readUnsignedByte();
      value |= (long) (b & 0x7f) << shift;
      if ((b & 0x80) == 0) {
        return value < 0 ? -1 : value;
      }
    }
    return -1;
  }

  private static void writeVarint(ByteBuf out, int value) {
    while ((value & ~0x7f) != 0) {
      out.writeByte((value & 0x7f) | 0x80);
      value >>>= 7;
    }
    out.writeByte(value);
  }

  private static int varintSize(int value) {
    int size = 1;
    while ((value & ~0x7f) != 0) {
      value >>>= 7;
      size++;
    }
    return size;
  }
}
