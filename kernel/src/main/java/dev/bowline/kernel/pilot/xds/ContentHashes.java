package dev.bowline.kernel.pilot.xds;

import com.google.protobuf.Message;
import java.util.HexFormat;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * The content hashes of the resources published in one push, memoized by identity: each resource
 * object is serialized and digested once, and each list object hashed once ({@link
 * ResourceHash#of(List, Function)}), however many clients hold it. The translator hands every
 * client of a push the very same resource objects and, mostly, the very same lists, so a push to
 * many clients hashes each shared list once instead of once per client. Identity, not equality:
 * a lookup never serializes or compares contents. The memo spans two pushes ({@link #nextPush()}):
 * a push caused by endpoints alone hands out the previous push's very clusters and route tables
 * again, which are then not digested again; what the last two pushes did not use is forgotten,
 * so the memo keeps no older resources alive.
 *
 * <p>The lists and resources must not change while they are memoized (protobuf messages and the
 * lists of {@code ProxyResources} are immutable).
 *
 * <p><b>Threading.</b> Not thread-safe: the publisher uses it on the push thread only.
 */
final class ContentHashes {

  private final Function<Message, byte[]> digester;
  private Map<Message, byte[]> digests = new IdentityHashMap<>();
  private Map<Message, byte[]> previousDigests = new IdentityHashMap<>();
  private Map<List<? extends Message>, String> hashes = new IdentityHashMap<>();
  private Map<List<? extends Message>, String> previousHashes = new IdentityHashMap<>();

  /** A memo that digests with {@link ResourceHash#digestOf}. */
  ContentHashes() {
    this(ResourceHash::digestOf);
  }

  /** A memo that digests each resource with {@code digester} (tests count its calls). */
  ContentHashes(Function<Message, byte[]> digester) {
    this.digester = Objects.requireNonNull(digester, "digester");
  }

  /** The content hash of {@code resources}, as {@link ResourceHash#of(List)} gives it. */
  String of(List<? extends Message> resources) {
    String hash = hashes.get(resources);
    if (hash == null) {
      hash = previousHashes.get(resources);
      if (hash == null) {
        hash = ResourceHash.of(resources, this::digest);
      }
      hashes.put(resources, hash);
    }
    return hash;
  }

  /** The digest of one resource's content, as 64 lowercase hex digits. */
  String versionOf(Message resource) {
    return HexFormat.of().formatHex(digest(resource));
  }

  /**
   * Starts a push: what the push that just ended used stays memoized for this one; what only the
   * push before it used is dropped.
   */
  void nextPush() {
    previousDigests = digests;
    digests = new IdentityHashMap<>();
    previousHashes = hashes;
    hashes = new IdentityHashMap<>();
  }

  private byte[] digest(Message resource) {
    byte[] digest = digests.get(resource);
    if (digest == null) {
      digest = previousDigests.get(resource);
      if (digest == null) {
        digest = digester.apply(resource);
      }
      digests.put(resource, digest);
    }
    return digest;
  }
}
