package dev.bowline.proxy.config;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.Struct;
import io.envoyproxy.envoy.extensions.filters.http.cors.v3.Cors;
import io.envoyproxy.envoy.extensions.filters.http.fault.v3.HTTPFault;
import io.envoyproxy.envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit;
import io.envoyproxy.envoy.extensions.filters.http.router.v3.Router;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Translates a connection manager's {@code http_filters} into {@link HttpFilterConfig}s, checking
 * that the router ({@code envoy.filters.http.router}, or any filter whose {@code typed_config} is a
 * {@code Router}) comes last and only there.
 *
 * <p>Any other filter keeps its name and its configuration tree, for the data path to resolve
 * against its filter factories (Bowline filter plugins by canonical name); a name nobody knows is
 * the data path's to reject. The tree comes from a {@code typed_config} of type
 * {@code xds.type.v3.TypedStruct} or {@code udpa.type.v1.TypedStruct} (its {@code value}) or
 * {@code google.protobuf.Struct}; no {@code typed_config} gives an empty tree.
 *
 * <p>The filters built into the proxy are recognized by their {@code typed_config} type, as Envoy
 * does: {@code HTTPFault} (fault injection), {@code Cors} and {@code LocalRateLimit}. Each keeps its
 * Envoy message (its values are checked when the connection manager is built), must carry its
 * canonical name (routes' {@code typed_per_filter_config} refer to it by that name), appears at
 * most once, and comes after every plugin filter: the built-in filters act on the matched route, so
 * Bowline runs them after routing, which follows the plugin filters. Stateless.
 */
final class HttpFilterTranslator {

  private HttpFilterTranslator() {}

  /** The filters in order, or null after reporting problems. */
  static List<HttpFilterConfig> translate(List<HttpFilter> filters, String path, Problems problems) {
    int before = problems.size();
    List<HttpFilterConfig> result = new ArrayList<>();
    Map<String, String> builtInAt = new LinkedHashMap<>();
    for (int i = 0; i < filters.size(); i++) {
      String filterPath = Problems.index(path, i);
      HttpFilterConfig filter = filter(filters.get(i), filterPath, problems);
      if (filter == null) {
        continue;
      }
      if (filter.name().equals(HttpFilterConfig.ROUTER) && i < filters.size() - 1) {
        problems.add(filterPath, "the router must be the last HTTP filter");
      }
      if (filter.isBuiltIn()) {
        String earlier = builtInAt.putIfAbsent(filter.name(), filterPath);
        if (earlier != null) {
          problems.add(filterPath, filter.name() + " appears twice (also at " + earlier + ")");
        }
      } else if (!builtInAt.isEmpty() && !filter.name().equals(HttpFilterConfig.ROUTER)) {
        problems.add(
            filterPath,
            "must come before the built-in filters (" + String.join(", ", builtInAt.keySet())
                + "): Bowline runs those after routing, which follows the other filters");
      }
      result.add(filter);
    }
    if (filters.stream().noneMatch(HttpFilterTranslator::isRouter)) {
      problems.add(path, "the last HTTP filter must be the router (" + HttpFilterConfig.ROUTER + ")");
    }
    return problems.size() > before ? null : result;
  }

  private static boolean isRouter(HttpFilter filter) {
    return filter.hasTypedConfig()
        ? filter.getTypedConfig().is(Router.class)
        : filter.getName().equals(HttpFilterConfig.ROUTER);
  }

  private static HttpFilterConfig filter(HttpFilter filter, String path, Problems problems) {
    String configPath = Problems.join(path, "typed_config");
    if (!filter.hasTypedConfig()) {
      if (filter.getName().isEmpty()) {
        problems.add(Problems.join(path, "name"), "required");
        return null;
      }
      return new HttpFilterConfig(filter.getName(), Map.of());
    }
    Any config = filter.getTypedConfig();
    try {
      if (config.is(Router.class)) {
        return new HttpFilterConfig(HttpFilterConfig.ROUTER, Map.of());
      }
      if (config.is(HTTPFault.class)) {
        return builtIn(filter, HttpFilterConfig.FAULT, config.unpack(HTTPFault.class), path, problems);
      }
      if (config.is(Cors.class)) {
        return builtIn(filter, HttpFilterConfig.CORS, config.unpack(Cors.class), path, problems);
      }
      if (config.is(LocalRateLimit.class)) {
        return builtIn(
            filter, HttpFilterConfig.LOCAL_RATE_LIMIT, config.unpack(LocalRateLimit.class), path,
            problems);
      }
      if (filter.getName().isEmpty()) {
        problems.add(Problems.join(path, "name"), "required");
        return null;
      }
      if (filter.getName().equals(HttpFilterConfig.ROUTER)) {
        problems.add(configPath, "the router takes a typed_config of type Router, or none");
        return null;
      }
      Struct tree;
      if (config.is(com.github.xds.type.v3.TypedStruct.class)) {
        tree = config.unpack(com.github.xds.type.v3.TypedStruct.class).getValue();
        configPath = Problems.join(configPath, "value");
      } else if (config.is(com.github.udpa.udpa.type.v1.TypedStruct.class)) {
        tree = config.unpack(com.github.udpa.udpa.type.v1.TypedStruct.class).getValue();
        configPath = Problems.join(configPath, "value");
      } else if (config.is(Struct.class)) {
        tree = config.unpack(Struct.class);
      } else {
        return null; // reported by the supported-subset check
      }
      return new HttpFilterConfig(filter.getName(), StructTrees.toMap(tree, configPath, problems));
    } catch (InvalidProtocolBufferException e) {
      problems.add(configPath, "cannot decode: " + e.getMessage());
      return null;
    }
  }

  /** A built-in filter, which must carry its canonical name. */
  private static HttpFilterConfig builtIn(
      HttpFilter filter, String canonicalName, Message config, String path, Problems problems) {
    if (!filter.getName().equals(canonicalName)) {
      problems.add(
          Problems.join(path, "name"),
          "a " + config.getDescriptorForType().getName() + " filter must be named " + canonicalName
              + " (routes' typed_per_filter_config refer to it by that name), not '"
              + filter.getName() + "'");
      return null;
    }
    return HttpFilterConfig.builtIn(canonicalName, config);
  }
}
