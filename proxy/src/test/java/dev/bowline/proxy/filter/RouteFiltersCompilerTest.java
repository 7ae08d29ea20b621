package dev.bowline.proxy.filter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.bowline.proxy.config.ConfigException;
import dev.bowline.proxy.filter.ratelimit.LocalRateLimitCompiler;
import dev.bowline.proxy.filter.ratelimit.RateLimiterStore;
import dev.bowline.proxy.route.RouteEntry;
import dev.bowline.proxy.route.RouteFilterCompiler;
import dev.bowline.proxy.route.RouteFilterConfig;
import dev.bowline.proxy.route.RouteTable;
import dev.bowline.proxy.stats.MetricRegistry;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A route's typed_per_filter_config and rate_limits, compiled with the route configuration. */
class RouteFiltersCompilerTest {

  private static final String FAULT = "type.googleapis.com/envoy.extensions.filters.http.fault.v3.HTTPFault";
  private static final String CORS = "type.googleapis.com/envoy.extensions.filters.http.cors.v3.CorsPolicy";
  private static final String LRL =
      "type.googleapis.com/envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit";

  private static RouteConfiguration routes(String routesYaml) {
    return FilterYaml.parse(
        "virtual_hosts:\n- name: vh\n  domains: ['*']\n  routes:\n" + routesYaml.indent(2),
        RouteConfiguration.newBuilder());
  }

  private static RouteFilterCompiler compiler() {
    return new RouteFiltersCompiler(
        new LocalRateLimitCompiler(new MetricRegistry(), new RateLimiterStore().next(), System::nanoTime));
  }

  private static RouteFilterConfig compiled(String routesYaml) throws ConfigException {
    RouteTable table = RouteTable.compile(routes(routesYaml), "route_config", compiler());
    RouteEntry entry = table.route(TestFilterRequest.get());
    assertThat(entry).isNotNull();
    return entry.filters();
  }

  private static List<String> problems(String routesYaml, RouteFilterCompiler compiler) {
    return catchThrowableOfType(
            () -> RouteTable.compile(routes(routesYaml), "route_config", compiler),
            ConfigException.class)
        .problems();
  }

  @Test
  void istiosPerRouteConfigsCompile() throws Exception {
    RouteFilterConfig config =
        compiled(
            """
            - match: {prefix: /}
              route:
                cluster: reviews
                rate_limits:
                - actions: [{request_headers: {header_name: x-user, descriptor_key: x-user}}]
              typed_per_filter_config:
                envoy.filters.http.fault:
                  "@type": %s
                  delay: {fixed_delay: 2s, percentage: {numerator: 500000, denominator: MILLION}}
                  abort: {grpc_status: 14, percentage: {numerator: 100000, denominator: MILLION}}
                envoy.filters.http.cors:
                  "@type": %s
                  allow_origin_string_match: [{exact: "https://a.example"}]
                  allow_methods: GET,POST
                  max_age: "3600"
                  allow_credentials: true
                  filter_enabled: {default_value: {numerator: 100, denominator: HUNDRED}}
                  forward_not_matching_preflights: false
                envoy.filters.http.local_ratelimit:
                  "@type": %s
                  stat_prefix: http_local_rate_limiter
                  token_bucket: {max_tokens: 5, tokens_per_fill: 5, fill_interval: 60s}
                  filter_enabled: {default_value: {numerator: 100, denominator: HUNDRED}}
                  filter_enforced: {default_value: {numerator: 100, denominator: HUNDRED}}
                  descriptors:
                  - entries: [{key: x-user, value: ""}]
                    token_bucket: {max_tokens: 5, tokens_per_fill: 5, fill_interval: 60s}
            """
                .formatted(FAULT, CORS, LRL));
    assertThat(config).isInstanceOf(RouteFilters.class);
    RouteFilters filters = (RouteFilters) config;
    assertThat(filters.fault().abort().grpcStatus()).isEqualTo(14);
    assertThat(filters.cors().isOriginAllowed("https://a.example")).isTrue();
    assertThat(filters.rateLimit()).isNotNull();
    assertThat(filters.rateLimits()).hasSize(1);
  }

  @Test
  void aRouteWithoutSettingsHasNone() throws Exception {
    assertThat(compiled("- match: {prefix: /}\n  route: {cluster: c}"))
        .isSameAs(RouteFilterConfig.NONE);
  }

  @Test
  void unknownFilterNamesAndWrongTypesAreRefusedWithTheirPaths() {
    List<String> problems =
        problems(
            """
            - match: {prefix: /}
              route: {cluster: c}
              typed_per_filter_config:
                envoy.filters.http.rbac:
                  "@type": type.googleapis.com/envoy.extensions.filters.http.rbac.v3.RBAC
                envoy.filters.http.fault:
                  "@type": %s
            """
                .formatted(CORS),
            compiler());
    assertThat(problems)
        .containsExactly(
            "route_config.virtual_hosts[0].routes[0].typed_per_filter_config[\"envoy.filters.http.fault\"]:"
                + " type envoy.extensions.filters.http.cors.v3.CorsPolicy is not supported here by"
                + " Bowline (expected envoy.extensions.filters.http.fault.v3.HTTPFault)",
            "route_config.virtual_hosts[0].routes[0].typed_per_filter_config[\"envoy.filters.http.rbac\"]:"
                + " no filter named 'envoy.filters.http.rbac' takes per-route configuration in Bowline"
                + " (supported: envoy.filters.http.cors, envoy.filters.http.fault,"
                + " envoy.filters.http.local_ratelimit)");
  }

  @Test
  void problemsInsideAConfigCarryTheFullPath() {
    List<String> problems =
        problems(
            """
            - match: {prefix: /}
              route: {cluster: c, rate_limits: [{actions: [{masked_remote_address: {}}]}]}
              typed_per_filter_config:
                envoy.filters.http.fault:
                  "@type": %s
                  max_active_faults: 3
                envoy.filters.http.local_ratelimit:
                  "@type": %s
                  stat_prefix: p
            """
                .formatted(FAULT, LRL),
            compiler());
    String route = "route_config.virtual_hosts[0].routes[0]";
    assertThat(problems)
        .containsExactlyInAnyOrder(
            route + ".route.rate_limits[0].actions[0].masked_remote_address: not supported by Bowline yet",
            route + ".typed_per_filter_config[\"envoy.filters.http.fault\"].max_active_faults:"
                + " not supported by Bowline yet",
            route + ".typed_per_filter_config[\"envoy.filters.http.local_ratelimit\"].token_bucket:"
                + " required in a route's local rate limit (as Envoy)");
  }

  @Test
  void withoutTheFiltersCompilerPerFilterConfigIsRefused() {
    assertThat(
            problems(
                """
                - match: {prefix: /}
                  route: {cluster: c, rate_limits: [{actions: [{remote_address: {}}]}]}
                  typed_per_filter_config:
                    envoy.filters.http.fault: {"@type": %s}
                """
                    .formatted(FAULT),
                RouteFilterCompiler.NONE))
        .containsExactly(
            "route_config.virtual_hosts[0].routes[0].typed_per_filter_config: not supported by Bowline",
            "route_config.virtual_hosts[0].routes[0].route.rate_limits: not supported by Bowline");
  }
}
