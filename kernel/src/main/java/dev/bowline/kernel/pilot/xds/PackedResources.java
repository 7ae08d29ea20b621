package dev.bowline.kernel.pilot.xds;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Message;
import io.envoyproxy.controlplane.cache.Resources.ApiVersion;
import io.envoyproxy.controlplane.server.serializer.ProtoResourcesSerializer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The serializer of the xDS server's responses: packs each resource object into an {@code Any}
 * once, however many clients it goes to, remembering the result by the object's identity. (The
 * library's {@code CachedProtoResourcesSerializer} remembers by equality: every new resource
 * object equal to an old one is then compared field by field with it on every lookup, which costs
 * more than packing.) The memo has two generations: {@link #newPush()} makes the current one the
 * previous one and drops the one before, so resources of older pushes are let go; a resource still
 * sent from an older snapshot is simply packed again.
 *
 * <p><b>Threading.</b> Thread-safe: responses are serialized on the push thread and on gRPC
 * threads; {@link #newPush()} is called on the push thread.
 */
final class PackedResources implements ProtoResourcesSerializer {

  /** A resource compared by identity. */
  private record Identity(Message resource) {
    @Override
    public boolean equals(Object o) {
      return o instanceof Identity other && other.resource == resource;
    }

    @Override
    public int hashCode() {
      return System.identityHashCode(resource);
    }
  }

  /** The type URL of each message type, as the UTF-8 bytes an {@code Any} is written with. */
  private static final Map<Descriptor, ByteString> TYPE_URLS = new ConcurrentHashMap<>();

  private final Function<Message, Any> packer;
  private volatile Map<Identity, Any> current = new ConcurrentHashMap<>();
  private volatile Map<Identity, Any> previous = new ConcurrentHashMap<>();

  /** A serializer packing as {@link Any#pack} does, with the type URL kept as bytes. */
  PackedResources() {
    this(PackedResources::pack);
  }

  /** A serializer packing with {@code packer} (tests count its calls). */
  PackedResources(Function<Message, Any> packer) {
    this.packer = packer;
  }

  /**
   * {@code resource} packed as {@link Any#pack} packs it, but with the type URL set as bytes: an
   * {@code Any} then writes it into each response by copying, where a string type URL is encoded
   * to UTF-8 again for every response it goes into (a thousand times per response of a thousand
   * clusters).
   */
  static Any pack(Message resource) {
    ByteString typeUrl =
        TYPE_URLS.computeIfAbsent(
            resource.getDescriptorForType(),
            d -> ByteString.copyFromUtf8("type.googleapis.com/" + d.getFullName()));
    return Any.newBuilder().setTypeUrlBytes(typeUrl).setValue(resource.toByteString()).build();
  }

  @Override
  public Any serialize(Message resource, ApiVersion apiVersion) {
    Identity key = new Identity(resource);
    Map<Identity, Any> now = current;
    Any packed = now.get(key);
    if (packed == null) {
      packed = previous.get(key);
      if (packed == null) {
        packed = packer.apply(resource);
      }
      now.put(key, packed);
    }
    return packed;
  }

  /** Starts a new generation: what was packed before the previous push is forgotten. */
  void newPush() {
    previous = current;
    current = new ConcurrentHashMap<>();
  }
}
