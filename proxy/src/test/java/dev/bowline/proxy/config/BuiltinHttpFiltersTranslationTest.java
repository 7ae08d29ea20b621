package dev.bowline.proxy.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.envoyproxy.envoy.extensions.filters.http.cors.v3.Cors;
import io.envoyproxy.envoy.extensions.filters.http.fault.v3.HTTPFault;
import io.envoyproxy.envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The built-in HTTP filters (fault, CORS, local rate limit) in a bootstrap's {@code http_filters}:
 * recognized by their type, with their fields checked against the supported subset.
 */
class BuiltinHttpFiltersTranslationTest {

  private static final String HCM =
      "static_resources.listeners[0].filter_chains[0].filters[0].typed_config";

  private static String bootstrap(String httpFilters) {
    return """
        static_resources:
          listeners:
          - name: ingress
            address: {socket_address: {address: 127.0.0.1, port_value: 0}}
            filter_chains:
            - filters:
              - name: envoy.filters.network.http_connection_manager
                typed_config:
                  "@type": type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager
                  stat_prefix: ingress_http
                  route_config:
                    virtual_hosts: [{name: all, domains: ["*"], routes: [{match: {prefix: /}, route: {cluster: app}}]}]
                  http_filters:
        %s
          clusters:
          - name: app
            connect_timeout: 1s
            load_assignment:
              cluster_name: app
              endpoints: [{lb_endpoints: [{endpoint: {address: {socket_address: {address: 127.0.0.1, port_value: 8080}}}}]}]
        """
        .formatted(httpFilters.indent(10).stripTrailing());
  }

  private static HttpConnectionManagerConfig hcm(String httpFilters) throws ConfigException {
    ProxyConfig config = new BootstrapLoader().parse("b.yaml", bootstrap(httpFilters));
    return (HttpConnectionManagerConfig)
        config.listeners().get(0).filterChains().get(0).filter();
  }

  private static List<String> problems(String httpFilters) {
    return catchThrowableOfType(() -> hcm(httpFilters), ConfigException.class).problems();
  }

  private static final String ISTIO_FILTERS =
      """
      - name: envoy.filters.http.cors
        typed_config: {"@type": type.googleapis.com/envoy.extensions.filters.http.cors.v3.Cors}
      - name: envoy.filters.http.fault
        typed_config: {"@type": type.googleapis.com/envoy.extensions.filters.http.fault.v3.HTTPFault}
      - name: envoy.filters.http.local_ratelimit
        typed_config:
          "@type": type.googleapis.com/envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit
          stat_prefix: http_local_rate_limiter
          filter_enabled: {default_value: {numerator: 100, denominator: HUNDRED}}
          filter_enforced: {default_value: {numerator: 100, denominator: HUNDRED}}
      - name: envoy.filters.http.router
        typed_config: {"@type": type.googleapis.com/envoy.extensions.filters.http.router.v3.Router}
      """;

  @Test
  void istiosFiltersAreRecognizedByTheirTypes() throws Exception {
    List<HttpFilterConfig> filters = hcm(ISTIO_FILTERS).httpFilters();
    assertThat(filters).extracting(HttpFilterConfig::name)
        .containsExactly(
            HttpFilterConfig.CORS, HttpFilterConfig.FAULT, HttpFilterConfig.LOCAL_RATE_LIMIT,
            HttpFilterConfig.ROUTER);
    assertThat(filters.get(0).typedConfig()).containsInstanceOf(Cors.class);
    assertThat(filters.get(1).typedConfig()).contains(HTTPFault.getDefaultInstance());
    assertThat(filters.get(2).typedConfig().orElseThrow())
        .isInstanceOfSatisfying(
            LocalRateLimit.class, l -> assertThat(l.getStatPrefix()).isEqualTo("http_local_rate_limiter"));
    assertThat(filters.get(3).isBuiltIn()).isFalse();
  }

  @Test
  void unsupportedFieldsOfAFilterAreRefusedWithTheirPaths() {
    assertThat(
            problems(
                """
                - name: envoy.filters.http.fault
                  typed_config:
                    "@type": type.googleapis.com/envoy.extensions.filters.http.fault.v3.HTTPFault
                    max_active_faults: 10
                    abort: {header_abort: {}}
                - name: envoy.filters.http.local_ratelimit
                  typed_config:
                    "@type": type.googleapis.com/envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit
                    stat_prefix: l
                    local_rate_limit_per_downstream_connection: true
                - name: envoy.filters.http.router
                """))
        .containsExactlyInAnyOrder(
            HCM + ".http_filters[0].typed_config.max_active_faults: not supported by Bowline yet",
            HCM + ".http_filters[0].typed_config.abort.header_abort: not supported by Bowline yet",
            HCM + ".http_filters[1].typed_config.local_rate_limit_per_downstream_connection:"
                + " not supported by Bowline yet");
  }

  @Test
  void aBuiltInFilterKeepsItsCanonicalNameAndAppearsOnce() {
    assertThat(
            problems(
                """
                - name: fault
                  typed_config: {"@type": type.googleapis.com/envoy.extensions.filters.http.fault.v3.HTTPFault}
                - name: envoy.filters.http.cors
                  typed_config: {"@type": type.googleapis.com/envoy.extensions.filters.http.cors.v3.Cors}
                - name: envoy.filters.http.cors
                  typed_config: {"@type": type.googleapis.com/envoy.extensions.filters.http.cors.v3.Cors}
                - name: envoy.filters.http.router
                """))
        .containsExactly(
            HCM + ".http_filters[0].name: a HTTPFault filter must be named envoy.filters.http.fault"
                + " (routes' typed_per_filter_config refer to it by that name), not 'fault'",
            HCM + ".http_filters[2]: envoy.filters.http.cors appears twice (also at " + HCM
                + ".http_filters[1])");
  }

  @Test
  void pluginFiltersMustComeBeforeTheBuiltInOnes() {
    assertThat(
            problems(
                """
                - name: envoy.filters.http.fault
                  typed_config: {"@type": type.googleapis.com/envoy.extensions.filters.http.fault.v3.HTTPFault}
                - name: bowline.filters.example
                - name: envoy.filters.http.router
                """))
        .containsExactly(
            HCM + ".http_filters[1]: must come before the built-in filters (envoy.filters.http.fault):"
                + " Bowline runs those after routing, which follows the other filters");
  }
}
