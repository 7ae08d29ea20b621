package dev.bowline.proxy.config;

import java.util.Map;
import java.util.Objects;

/**
 * One HTTP filter of a connection manager: its Envoy name (such as {@code envoy.filters.http.router})
 * and its configuration as a JSON-like tree (for Bowline filter plugins, the canonical name of the
 * filter factory and the tree its {@code parseConfig} receives).
 *
 * @param name the filter's name
 * @param config its configuration
 */
public record HttpFilterConfig(String name, Map<String, Object> config) {

  /** The router's name; it must be the last filter. */
  public static final String ROUTER = "envoy.filters.http.router";

  public HttpFilterConfig {
    Objects.requireNonNull(name, "name");
    config = Map.copyOf(config);
  }
}
