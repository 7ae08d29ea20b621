package dev.bowline.proxy.filter;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import io.envoyproxy.envoy.extensions.filters.http.cors.v3.Cors;
import io.envoyproxy.envoy.extensions.filters.http.fault.v3.HTTPFault;
import io.envoyproxy.envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit;
import io.envoyproxy.envoy.extensions.filters.http.rbac.v3.RBAC;
import java.io.IOException;
import java.io.UncheckedIOException;

/** Envoy messages written in YAML (with {@code "@type"} for the built-in filters' types). */
public final class FilterYaml {

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final JsonFormat.Parser PARSER =
      JsonFormat.parser()
          .usingTypeRegistry(
              JsonFormat.TypeRegistry.newBuilder()
                  .add(HTTPFault.getDescriptor())
                  .add(Cors.getDescriptor())
                  .add(LocalRateLimit.getDescriptor())
                  .add(RBAC.getDescriptor())
                  .build());

  private FilterYaml() {}

  /** {@code yaml} merged into {@code builder}, built. */
  @SuppressWarnings("unchecked")
  public static <T extends Message> T parse(String yaml, Message.Builder builder) {
    try {
      PARSER.merge(JSON.writeValueAsString(YAML.readTree(yaml)), builder);
      return (T) builder.build();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
