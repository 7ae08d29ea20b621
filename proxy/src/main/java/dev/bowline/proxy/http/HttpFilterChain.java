package dev.bowline.proxy.http;

import dev.bowline.proxy.config.ConfigException;
import dev.bowline.proxy.config.HttpFilterConfig;
import dev.bowline.spi.filter.HttpFilter;
import dev.bowline.spi.filter.HttpFilterFactory;
import dev.bowline.spi.plugin.ConfigOrError;
import dev.bowline.spi.plugin.FactoryRegistry;
import dev.bowline.spi.plugin.NamedFactory;
import dev.bowline.spi.plugin.PluginContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The HTTP filters of one connection manager, in order, before the router: each a filter made by
 * an {@link HttpFilterFactory} from the registry (built in or from a plugin), looked up by the
 * filter's name in the configuration. An unknown name or a configuration the factory rejects is a
 * configuration error naming the filter.
 *
 * <p>Immutable and thread-safe; the filters themselves are shared by all requests.
 */
final class HttpFilterChain {

  static final HttpFilterChain EMPTY = new HttpFilterChain(List.of());

  private final List<HttpFilter> filters;

  private HttpFilterChain(List<HttpFilter> filters) {
    this.filters = List.copyOf(filters);
  }

  /**
   * Builds the chain for {@code configs} (the router last, which is not a filter here).
   *
   * @throws ConfigException naming each filter that cannot be built
   */
  static HttpFilterChain build(
      List<HttpFilterConfig> configs,
      String path,
      FactoryRegistry<HttpFilterFactory<?>> registry,
      Function<NamedFactory<?>, PluginContext> contexts)
      throws ConfigException {
    List<HttpFilter> filters = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    for (int i = 0; i < configs.size(); i++) {
      HttpFilterConfig c = configs.get(i);
      if (c.name().equals(HttpFilterConfig.ROUTER) || c.isBuiltIn()) {
        continue; // the router, and the built-in filters (RouteFilters), are not plugins
      }
      String at = path + ".http_filters[" + i + "]";
      Optional<HttpFilterFactory<?>> factory = registry.get(c.name());
      if (factory.isEmpty()) {
        problems.add(at + ".name: no HTTP filter named '" + c.name() + "' is available (known: " + registry.names() + ")");
        continue;
      }
      create(factory.get(), c.config(), at, contexts, problems).ifPresent(filters::add);
    }
    if (!problems.isEmpty()) {
      throw new ConfigException(problems);
    }
    return filters.isEmpty() ? EMPTY : new HttpFilterChain(filters);
  }

  private static <C> Optional<HttpFilter> create(
      HttpFilterFactory<C> factory,
      Map<String, Object> raw,
      String at,
      Function<NamedFactory<?>, PluginContext> contexts,
      List<String> problems) {
    ConfigOrError<C> parsed = factory.parseConfig(raw);
    if (!parsed.isOk()) {
      parsed.errors().forEach(e -> problems.add(at + ".typed_config." + e));
      return Optional.empty();
    }
    try {
      return Optional.of(factory.newFilter(parsed.value(), contexts.apply(factory)));
    } catch (RuntimeException e) {
      problems.add(at + ": filter " + factory.name() + " failed to start: " + e);
      return Optional.empty();
    }
  }

  boolean isEmpty() {
    return filters.isEmpty();
  }

  List<HttpFilter> filters() {
    return filters;
  }
}
