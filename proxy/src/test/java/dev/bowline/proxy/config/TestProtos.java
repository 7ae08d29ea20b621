package dev.bowline.proxy.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;

/** Builds Envoy protos from YAML in tests, as an xDS server would send them. */
final class TestProtos {

  private static final YAMLMapper YAML = new YAMLMapper();

  private TestProtos() {}

  @SuppressWarnings("unchecked")
  static <T extends Message> T yaml(String text, Message.Builder builder) {
    try {
      JsonNode tree = YAML.readTree(text);
      JsonFormat.parser()
          .usingTypeRegistry(EnvoyTypes.REGISTRY)
          .merge(DocumentReader.toJson(tree), builder);
      return (T) builder.build();
    } catch (Exception e) {
      throw new IllegalArgumentException(e);
    }
  }
}
