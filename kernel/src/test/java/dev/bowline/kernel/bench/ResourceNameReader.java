package dev.bowline.kernel.bench;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.WireFormat;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Reads the name of a packed xDS resource without decoding the rest of it: field 1 is the name in
 * every type Pilot serves ({@code Cluster.name}, {@code ClusterLoadAssignment.cluster_name},
 * {@code Listener.name}, {@code RouteConfiguration.name}). The simulated proxies use it so that
 * their own decoding stays a small part of the machine's work, leaving the CPU to the control
 * plane under test. Stateless and thread-safe.
 */
final class ResourceNameReader {

  private static final ByteString OUTBOUND = ByteString.copyFromUtf8("outbound|");
  /** Field 1, length-delimited: (1 << 3) | 2. */
  private static final int NAME_TAG = (1 << 3) | WireFormat.WIRETYPE_LENGTH_DELIMITED;

  private ResourceNameReader() {}

  /**
   * The name held in field 1 of the serialized message {@code value}, as its UTF-8 bytes.
   *
   * @throws IllegalArgumentException the message has no field 1 string
   */
  static ByteString nameOf(ByteString value) {
    try {
      CodedInputStream in = value.newCodedInput();
      while (true) {
        int tag = in.readTag();
        if (tag == 0) {
          throw new IllegalArgumentException("resource has no name (field 1)");
        }
        if (tag == NAME_TAG) {
          return in.readBytes();
        }
        in.skipField(tag);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("malformed resource", e);
    }
  }

  /**
   * The port in an outbound cluster name ({@code outbound|<port>|<subset>|<host>}); -1 for any
   * other name.
   */
  static int outboundPort(ByteString clusterName) {
    int prefix = OUTBOUND.size();
    if (!clusterName.startsWith(OUTBOUND)) {
      return -1;
    }
    int port = 0;
    int i = prefix;
    for (; i < clusterName.size() && clusterName.byteAt(i) != '|'; i++) {
      int digit = clusterName.byteAt(i) - '0';
      if (digit < 0 || digit > 9 || port > 65535) {
        return -1;
      }
      port = port * 10 + digit;
    }
    return i == prefix || i == clusterName.size() ? -1 : port;
  }

}
