package dev.bowline.proxy.config;

import com.google.protobuf.util.JsonFormat;

/**
 * Protobuf JSON for Envoy v3 resources with every {@code typed_config} type Bowline knows
 * registered, so that {@code Any} fields print and parse: for {@code /config_dump} and for the
 * control plane's {@code proxy-config} views. Thread-safe.
 */
public final class EnvoyJson {

  private static final JsonFormat.Printer PRINTER =
      JsonFormat.printer().usingTypeRegistry(EnvoyTypes.REGISTRY).preservingProtoFieldNames();

  private EnvoyJson() {}

  /** A printer using proto field names ({@code route_config}), as Envoy's config_dump does. */
  public static JsonFormat.Printer printer() {
    return PRINTER;
  }
}
