package dev.bowline.proxy.xds;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import dev.bowline.proxy.config.Problems;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Unpacks the resources of a state-of-the-world response, by name, reporting each that is of
 * another type, cannot be parsed, has no name or repeats a name (path {@code resources[i]}).
 * Stateless.
 */
final class ResourceDecoder {

  private ResourceDecoder() {}

  /** The resources by name, in the response's order; problems leave a resource out. */
  static <T extends Message> Map<String, T> decode(
      XdsResourceType type, Class<T> messageClass, List<Any> resources, Problems problems) {
    Map<String, T> out = new LinkedHashMap<>();
    Map<String, Integer> firstIndex = new LinkedHashMap<>();
    for (int i = 0; i < resources.size(); i++) {
      String path = Problems.index("resources", i);
      Any any = resources.get(i);
      if (!typeName(any.getTypeUrl()).equals(typeName(type.typeUrl()))) {
        problems.add(path, "a resource of type " + any.getTypeUrl() + " in a " + type.shortName()
            + " response (expected " + type.typeUrl() + ")");
        continue;
      }
      T message;
      try {
        message = any.unpack(messageClass);
      } catch (InvalidProtocolBufferException e) {
        problems.add(path, "cannot be parsed as " + type.typeUrl() + ": " + e.getMessage());
        continue;
      }
      String name = type.nameOf(message);
      if (name.isEmpty()) {
        problems.add(path, "the resource has no name");
        continue;
      }
      Integer earlier = firstIndex.putIfAbsent(name, i);
      if (earlier != null) {
        problems.add(path, "duplicate " + type.shortName() + " resource '" + name + "' (also "
            + Problems.index("resources", earlier) + ")");
        continue;
      }
      out.put(name, message);
    }
    return out;
  }

  /** The message type's full name: the type URL after its last {@code /}. */
  private static String typeName(String typeUrl) {
    return typeUrl.substring(typeUrl.lastIndexOf('/') + 1);
  }
}
