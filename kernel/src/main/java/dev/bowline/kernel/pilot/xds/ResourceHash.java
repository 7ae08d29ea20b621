package dev.bowline.kernel.pilot.xds;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.Message;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Function;

/**
 * The content hash of one type's resources for one client: SHA-256 over the resources sorted by
 * name, each given by its name and the SHA-256 of its deterministic serialization (map fields in
 * key order), so that equal contents give equal hashes whatever order the generator listed them
 * in. {@link #of(List, Function)} takes the per-resource digests from a caller, who may memoize
 * them ({@link ContentHashes}); the result is the same. Stateless and thread-safe.
 */
final class ResourceHash {

  private static final Comparator<Named> BY_NAME = Comparator.comparing(Named::name);

  private record Named(String name, Message resource) {}

  private ResourceHash() {}

  /** The hash of {@code resources}, as 64 lowercase hex digits. */
  static String of(List<? extends Message> resources) {
    return of(resources, ResourceHash::digestOf);
  }

  /**
   * The hash of {@code resources}, as 64 lowercase hex digits, taking each resource's digest
   * from {@code digests} (which must give what {@link #digestOf} gives).
   */
  static String of(List<? extends Message> resources, Function<Message, byte[]> digests) {
    List<Named> named = new ArrayList<>(resources.size());
    for (Message resource : resources) {
      named.add(new Named(XdsResourceType.nameOf(resource), resource));
    }
    named.sort(BY_NAME);
    MessageDigest digest = sha256();
    for (Named n : named) {
      byte[] name = n.name().getBytes(StandardCharsets.UTF_8);
      byte[] body = digests.apply(n.resource());
      digest.update(lengthPrefix(name.length));
      digest.update(name);
      digest.update(body);
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  /** The SHA-256 (32 bytes) of {@code resource}'s deterministic serialization. */
  static byte[] digestOf(Message resource) {
    return sha256().digest(deterministicBytes(resource));
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
