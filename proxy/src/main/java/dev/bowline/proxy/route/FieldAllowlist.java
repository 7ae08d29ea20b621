package dev.bowline.proxy.route;

import dev.bowline.proxy.config.Problems;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.MessageOrBuilder;
import java.util.Set;

/**
 * The fields of one proto message that Bowline implements. Any other field that is set is a
 * configuration problem: an Envoy setting Bowline would silently ignore is worse than an error.
 */
final class FieldAllowlist {

  private final Descriptor descriptor;
  private final Set<String> allowed;

  private FieldAllowlist(Descriptor descriptor, Set<String> allowed) {
    this.descriptor = descriptor;
    this.allowed = allowed;
  }

  /**
   * The allowlist of {@code descriptor}'s fields named (proto names, snake_case).
   *
   * @throws IllegalArgumentException if a name is not a field of the message (a typo here)
   */
  static FieldAllowlist of(Descriptor descriptor, String... fieldNames) {
    for (String name : fieldNames) {
      if (descriptor.findFieldByName(name) == null) {
        throw new IllegalArgumentException(descriptor.getFullName() + " has no field " + name);
      }
    }
    return new FieldAllowlist(descriptor, Set.of(fieldNames));
  }

  /** Reports each set field of {@code message} that is not allowed, and any unknown field. */
  void check(MessageOrBuilder message, String path, Problems problems) {
    if (message.getDescriptorForType() != descriptor) {
      throw new IllegalArgumentException(
          "expected " + descriptor.getFullName() + ", got " + message.getDescriptorForType());
    }
    for (FieldDescriptor field : message.getAllFields().keySet()) {
      if (!allowed.contains(field.getName())) {
        problems.add(Problems.join(path, field.getName()), "not supported by Bowline");
      }
    }
    for (Integer number : message.getUnknownFields().asMap().keySet()) {
      problems.add(path, "unknown field number " + number);
    }
  }
}
