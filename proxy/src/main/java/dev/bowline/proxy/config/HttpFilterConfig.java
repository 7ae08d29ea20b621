package dev.bowline.proxy.config;

import com.google.protobuf.Message;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * One HTTP filter of a connection manager: its Envoy name (such as {@code envoy.filters.http.router})
 * and its configuration: a JSON-like tree for Bowline filter plugins (the canonical name of the
 * filter factory and the tree its {@code parseConfig} receives), or, for the filters built into the
 * proxy (fault injection, CORS, local rate limit), their Envoy message.
 *
 * @param name the filter's name
 * @param config its configuration tree (empty for a built-in filter)
 * @param typedConfig the Envoy configuration of a built-in filter ({@code HTTPFault}, {@code
 *     Cors}, {@code LocalRateLimit}); empty for a plugin and the router
 */
public record HttpFilterConfig(String name, Map<String, Object> config, Optional<Message> typedConfig) {

  /** The router's name; it must be the last filter. */
  public static final String ROUTER = "envoy.filters.http.router";

  /** The built-in fault injection filter ({@code HTTPFault}). */
  public static final String FAULT = "envoy.filters.http.fault";

  /** The built-in CORS filter ({@code Cors}; routes carry {@code CorsPolicy}). */
  public static final String CORS = "envoy.filters.http.cors";

  /** The built-in local rate limit filter ({@code LocalRateLimit}). */
  public static final String LOCAL_RATE_LIMIT = "envoy.filters.http.local_ratelimit";

  /** The names of the built-in filters, which routes' {@code typed_per_filter_config} use. */
  public static final Set<String> BUILT_IN = Set.of(FAULT, CORS, LOCAL_RATE_LIMIT);

  public HttpFilterConfig {
    Objects.requireNonNull(name, "name");
    config = Map.copyOf(config);
    Objects.requireNonNull(typedConfig, "typedConfig");
  }

  /** A plugin filter (or the router) configured by a tree. */
  public HttpFilterConfig(String name, Map<String, Object> config) {
    this(name, config, Optional.empty());
  }

  /** A built-in filter configured by its Envoy message. */
  public static HttpFilterConfig builtIn(String name, Message typedConfig) {
    return new HttpFilterConfig(name, Map.of(), Optional.of(typedConfig));
  }

  /** Whether this is one of the filters built into the proxy. */
  public boolean isBuiltIn() {
    return typedConfig.isPresent();
  }
}
