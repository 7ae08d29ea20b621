package dev.bowline.kernel.pilot.xds;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.Message;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;

/**
 * The content hash of one type's resources for one client: SHA-256 over the resources sorted by
 * name, each serialized deterministically (map fields in key order), so that equal contents give
 * equal hashes whatever order the generator listed them in. Stateless and thread-safe.
 */
final class ResourceHash {

  private ResourceHash() {}

  /** The hash of {@code resources}, as 64 lowercase hex digits. */
  static String of(List<? extends Message> resources) {
    MessageDigest digest = sha256();
    resources.stream()
        .sorted(Comparator.comparing(XdsResourceType::nameOf))
        .forEach(
            resource -> {
              byte[] name = XdsResourceType.nameOf(resource).getBytes(StandardCharsets.UTF_8);
              byte[] body = deterministicBytes(resource);
              digest.update(lengthPrefix(name.length));
              digest.update(name);
              digest.update(lengthPrefix(body.length));
              digest.update(body);
            });
    return HexFormat.of().formatHex(digest.digest());
  }

  private static byte[] deterministicBytes(Message message) {
    byte[] bytes = new byte[message.getSerializedSize()];
    CodedOutputStream out = CodedOutputStream.newInstance(bytes);
    out.useDeterministicSerialization();
    try {
      message.writeTo(out);
    } catch (IOException e) {
      throw new UncheckedIOException("serializing " + XdsResourceType.nameOf(message), e);
    }
    out.checkNoSpaceLeft();
    return bytes;
  }

  private static byte[] lengthPrefix(int length) {
    return new byte[] {
      (byte) (length >>> 24), (byte) (length >>> 16), (byte) (length >>> 8), (byte) length
    };
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }
}
