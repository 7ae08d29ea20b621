package dev.bowline.proxy.config;

import static dev.bowline.proxy.config.BootstrapFiles.sample;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.bowline.proxy.config.HttpConnectionManagerConfig.CodecType;
import dev.bowline.proxy.config.HttpConnectionManagerConfig.EscapedSlashesAction;
import dev.bowline.spi.model.Endpoint;
import dev.bowline.spi.model.HealthStatus;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BootstrapLoaderTest {

  private final BootstrapLoader loader = new BootstrapLoader();

  @TempDir Path dir;

  @Test
  void loadsTheStaticExampleOfEnvoysQuickStart() throws Exception {
    ProxyConfig config = loader.load(sample("envoy-demo-static.yaml"));

    assertThat(config.admin()).contains(new InetSocketAddress("0.0.0.0", 9901));
    assertThat(config.listeners()).singleElement().satisfies(listener -> {
      assertThat(listener.name()).isEqualTo("listener_0");
      assertThat(listener.address()).isEqualTo(new InetSocketAddress("0.0.0.0", 10000));
      assertThat(listener.maxConnections()).isZero();
      assertThat(listener.perConnectionBufferLimitBytes()).isEqualTo(1 << 20);
      FilterChainConfig chain = listener.filterChains().get(0);
      assertThat(chain.tls()).isEmpty();
      assertThat(chain.serverNames()).isEmpty();
      HttpConnectionManagerConfig hcm = (HttpConnectionManagerConfig) chain.filter();
      assertThat(hcm.statPrefix()).isEqualTo("ingress_http");
      assertThat(hcm.codec()).isEqualTo(CodecType.AUTO);
      assertThat(hcm.httpFilters())
          .containsExactly(new HttpFilterConfig(HttpFilterConfig.ROUTER, Map.of()));
      assertThat(hcm.accessLogs()).containsExactly(new AccessLogConfig("/dev/stdout", ""));
      var route = hcm.routeConfig().getVirtualHosts(0).getRoutes(0);
      assertThat(route.getMatch().getPrefix()).isEqualTo("/");
      assertThat(route.getRoute().getCluster()).isEqualTo("service_envoyproxy_io");
      assertThat(route.getRoute().getHostRewriteLiteral()).isEqualTo("www.envoyproxy.io");
    });
    assertThat(config.cluster("service_envoyproxy_io")).hasValueSatisfying(cluster -> {
      assertThat(cluster.discovery()).isEqualTo(ClusterConfig.Discovery.STATIC);
      assertThat(cluster.connectTimeout()).isEqualTo(Duration.ofSeconds(30));
      assertThat(cluster.endpoints()).containsExactly(Endpoint.of("127.0.0.1", 443)
          .withHealth(HealthStatus.UNKNOWN));
      assertThat(cluster.lbPolicy()).isEqualTo("bowline.lb.round_robin");
      assertThat(cluster.tls()).hasValueSatisfying(
          tls -> assertThat(tls.sni()).contains("www.envoyproxy.io"));
    });
  }

  @Test
  void appliesEnvoyDefaultsAndBowlinesSecureDefaults() throws Exception {
    ProxyConfig config = loader.load(sample("envoy-demo-static.yaml"));

    HttpConnectionManagerConfig hcm =
        (HttpConnectionManagerConfig) config.listeners().get(0).filterChains().get(0).filter();
    assertThat(hcm.maxRequestHeadersKb()).isEqualTo(60);
    assertThat(hcm.maxHeadersCount()).isEqualTo(100);
    assertThat(hcm.requestHeadersTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(hcm.streamIdleTimeout()).isEqualTo(Duration.ofMinutes(5));
    assertThat(hcm.idleTimeout()).isEqualTo(Duration.ofHours(1));
    assertThat(hcm.drainTimeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(hcm.useRemoteAddress()).isFalse();
    assertThat(hcm.xffNumTrustedHops()).isZero();
    assertThat(hcm.generateRequestId()).isTrue();
    assertThat(hcm.normalizePath()).isTrue();
    assertThat(hcm.mergeSlashes()).isTrue();
    assertThat(hcm.escapedSlashesAction()).isEqualTo(EscapedSlashesAction.REJECT_REQUEST);
    assertThat(hcm.http2()).isEqualTo(HttpConnectionManagerConfig.Http2Settings.EDGE);
    ClusterConfig cluster = config.clusters().get(0);
    assertThat(cluster.limits()).isEqualTo(ClusterConfig.CircuitBreakerLimits.DEFAULTS);
    assertThat(cluster.idleTimeout()).isEqualTo(Duration.ofHours(1));
    assertThat(cluster.maxRequestsPerConnection()).isZero();
    assertThat(cluster.protocol()).isEqualTo(ClusterConfig.UpstreamProtocol.HTTP1);
    assertThat(cluster.lbConfig()).isEmpty();
  }

  @Test
  void loadsTheOriginalQuickStartExampleUnchanged() throws Exception {
    ProxyConfig config = loader.load(sample("envoy-demo.yaml"));

    assertThat(config.listeners()).singleElement().satisfies(listener -> {
      assertThat(listener.name()).isEqualTo("listener_0");
      assertThat(listener.address()).isEqualTo(new InetSocketAddress("0.0.0.0", 10000));
    });
    assertThat(config.clusters()).singleElement().satisfies(cluster -> {
      assertThat(cluster.name()).isEqualTo("service_envoyproxy_io");
      assertThat(cluster.discovery()).isEqualTo(ClusterConfig.Discovery.LOGICAL_DNS);
      assertThat(cluster.endpoints()).isEmpty(); // filled in by resolving
      assertThat(cluster.connectTimeout()).isEqualTo(Duration.ofSeconds(30));
      assertThat(cluster.dns()).hasValueSatisfying(dns -> {
        assertThat(dns.strict()).isFalse();
        assertThat(dns.lookupFamily()).isEqualTo(ClusterConfig.DnsLookupFamily.V4_ONLY);
        assertThat(dns.refreshRate()).isEqualTo(Duration.ofSeconds(5));
        assertThat(dns.targets()).extracting(Endpoint::address, Endpoint::port)
            .containsExactly(org.assertj.core.groups.Tuple.tuple("www.envoyproxy.io", 443));
      });
      assertThat(cluster.tls()).hasValueSatisfying(
          tls -> assertThat(tls.sni()).contains("www.envoyproxy.io"));
    });
  }

  @Test
  void rejectsClusterTypesStillUnsupported() {
    ConfigException e =
        catchThrowableOfType(
            ConfigException.class,
            () -> loader.parse("inline.yaml", """
                static_resources:
                  clusters:
                  - name: passthrough
                    type: ORIGINAL_DST
                    lb_policy: CLUSTER_PROVIDED
                """));

    assertThat(e.problems())
        .contains(
            "static_resources.clusters[0].type: ORIGINAL_DST is not supported by Bowline yet"
                + " (supported: STATIC with IP endpoints, EDS, STRICT_DNS, LOGICAL_DNS)");
  }

  @Test
  void jsonAndYamlOfTheSameBootstrapGiveEqualConfigs() throws Exception {
    ProxyConfig fromYaml = loader.load(sample("envoy-demo-static.yaml"));
    ProxyConfig fromJson = loader.load(sample("envoy-demo-static.json"));

    assertThat(fromJson).isEqualTo(fromYaml);
  }

  @Test
  void sniffsTheFormatWhenTheExtensionSaysNothing() throws Exception {
    Path json = copy("envoy-demo-static.json", "bootstrap.conf");
    Path yaml = copy("envoy-demo-static.yaml", "bootstrap");

    assertThat(loader.load(json)).isEqualTo(loader.load(yaml));
  }

  @Test
  void reportsBadYamlWithTheFileNameAndLine() throws Exception {
    Path file = write("broken.yaml", """
        static_resources:
          clusters:
          - name: a
           connect_timeout: 1s
        """);

    assertThatThrownBy(() -> loader.load(file))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith(file + ": invalid YAML at line 4, column 4:");
  }

  @Test
  void reportsBadJsonWithTheFileNameAndLine() throws Exception {
    Path file = write("broken.json", "{\"static_resources\": {\"clusters\": [}}\n");

    assertThatThrownBy(() -> loader.load(file))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith(file + ": invalid JSON at line 1");
  }

  @Test
  void reportsDuplicateKeysInsteadOfKeepingTheLastOne() throws Exception {
    Path file = write("dup.yaml", """
        static_resources:
          clusters:
          - name: a
            name: b
        """);

    assertThatThrownBy(() -> loader.load(file)).hasMessageContaining("Duplicate field 'name'");
  }

  @Test
  void reportsAMissingFileByName() {
    Path file = dir.resolve("absent.yaml");

    assertThatThrownBy(() -> loader.load(file))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith(file + ": cannot read the file");
  }

  @Test
  void rejectsEmptyAndNonMappingDocuments() throws Exception {
    assertThatThrownBy(() -> loader.load(write("empty.yaml", "# nothing\n")))
        .hasMessageEndingWith("the file holds no configuration (it is empty)");
    assertThatThrownBy(() -> loader.load(write("list.yaml", "- a\n- b\n")))
        .hasMessageEndingWith("the top level must be a mapping (an Envoy v3 Bootstrap), not ARRAY");
    assertThatThrownBy(() -> loader.load(write("two.yaml", "admin: {}\n---\nadmin: {}\n")))
        .hasMessageEndingWith("the file holds more than one YAML document; a bootstrap is one document");
  }

  @Test
  void resolvesYamlAnchorsAliasesAndMergeKeys() throws Exception {
    Path file = write("anchors.yaml", """
        static_resources:
          clusters:
          - &defaults
            name: primary
            connect_timeout: 2s
            lb_policy: RANDOM
            load_assignment:
              cluster_name: shared_name
              endpoints:
              - lb_endpoints:
                - &endpoint
                  endpoint: { address: { socket_address: { address: 10.0.0.1, port_value: 80 } } }
          - <<: *defaults
            name: secondary
            load_assignment:
              cluster_name: shared_name
              endpoints: [{ lb_endpoints: [*endpoint, *endpoint] }]
        """);

    ProxyConfig config = loader.load(file);

    ClusterConfig secondary = config.cluster("secondary").orElseThrow();
    assertThat(secondary.connectTimeout()).isEqualTo(Duration.ofSeconds(2));
    assertThat(secondary.lbPolicy()).isEqualTo("bowline.lb.random");
    assertThat(secondary.endpoints()).extracting(Endpoint::authority)
        .containsExactly("10.0.0.1:80", "10.0.0.1:80");
    assertThat(config.cluster("primary").orElseThrow().endpoints()).hasSize(1);
  }

  @Test
  void refusesAnAliasItCannotResolveAndABillionLaughs() throws Exception {
    Path undefined = write("undefined.yaml", "node:\n  cluster: &name a\n  id: *name\n");
    assertThatThrownBy(() -> loader.load(undefined)).hasMessage(undefined + ": invalid YAML at"
        + " line 3: alias *name refers to no anchor of a mapping or list defined before it"
        + " (anchors on single values are not supported)");

    StringBuilder laughs = new StringBuilder("node:\n  metadata:\n    l0: &l0 [a, a, a, a, a, a, a, a, a, a]\n");
    for (int i = 1; i < 8; i++) {
      laughs.append("    l").append(i).append(": &l").append(i).append(" [")
          .append(String.join(", ", Collections.nCopies(10, "*l" + (i - 1))))
          .append("]\n");
    }
    Path bomb = write("bomb.yaml", laughs.toString());
    assertThatThrownBy(() -> loader.load(bomb))
        .hasMessage(bomb + ": invalid YAML: aliases expand to more than 1000000 nodes");
  }

  @Test
  void namesTheFieldProtobufRefuses() throws Exception {
    Path file = write("typos.yaml", """
        static_resources:
          clusters:
          - name: a
            conect_timeout: 1s
            lb_policy: ROUND_ROBINN
          - name: b
            connect_timeout: 5
            load_assignment:
              cluster_name: b
              endpoints:
              - lb_endpoints:
                - endpoint: { address: { socket_address: { address: 10.0.0.1, port_value: -1 } } }
        """);

    ConfigException e = catchThrowableOfType(ConfigException.class, () -> loader.load(file));

    assertThat(e.problems()).containsExactly(
        "static_resources.clusters[0].conect_timeout: unknown field of"
            + " envoy.config.cluster.v3.Cluster (did you mean 'connect_timeout'?)",
        "static_resources.clusters[0].lb_policy: invalid value 'ROUND_ROBINN' (expected one of"
            + " ROUND_ROBIN, LEAST_REQUEST, RING_HASH, RANDOM, MAGLEV, CLUSTER_PROVIDED,"
            + " LOAD_BALANCING_POLICY_CONFIG)",
        "static_resources.clusters[1].connect_timeout: invalid duration 5 (write seconds with an s"
            + " suffix, such as 30s or 0.25s)",
        "static_resources.clusters[1].load_assignment.endpoints[0].lb_endpoints[0].endpoint"
            + ".address.socket_address.port_value: invalid value -1: Out of range uint32 value: -1");
    assertThat(e.getMessage()).startsWith(file + ": 4 problems:\n  static_resources.clusters[0]");
  }

  @Test
  void namesATypedConfigOfATypeBowlineDoesNotKnow() throws Exception {
    Path file = write("cors.yaml", """
        static_resources:
          listeners:
          - name: l
            address: { socket_address: { address: 0.0.0.0, port_value: 80 } }
            filter_chains:
            - filters:
              - name: envoy.filters.network.redis_proxy
                typed_config:
                  "@type": type.googleapis.com/envoy.extensions.filters.network.redis_proxy.v3.RedisProxy
                  stat_prefix: redis
        """);

    assertThatThrownBy(() -> loader.load(file)).hasMessage(file + ": static_resources.listeners[0]"
        + ".filter_chains[0].filters[0].typed_config.@type: type"
        + " envoy.extensions.filters.network.redis_proxy.v3.RedisProxy is not supported by Bowline");
  }

  @Test
  void readsDurations() throws Exception {
    Path file = write("durations.yaml", """
        static_resources:
          listeners:
          - name: l
            address: { socket_address: { address: 127.0.0.1, port_value: 0 } }
            filter_chains:
            - filters:
              - name: envoy.filters.network.http_connection_manager
                typed_config:
                  "@type": type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager
                  stat_prefix: http
                  request_headers_timeout: 2.5s
                  stream_idle_timeout: 0s
                  drain_timeout: 0.000001s
                  common_http_protocol_options: { idle_timeout: 3600s }
                  http_filters: [{ name: envoy.filters.http.router }]
                  route_config: {}
          clusters:
          - name: c
            connect_timeout: 0.25s
        """);

    ProxyConfig config = loader.load(file);

    var hcm = (HttpConnectionManagerConfig) config.listeners().get(0).filterChains().get(0).filter();
    assertThat(hcm.requestHeadersTimeout()).isEqualTo(Duration.ofMillis(2500));
    assertThat(hcm.streamIdleTimeout()).isZero();
    assertThat(hcm.drainTimeout()).isEqualTo(Duration.ofNanos(1000));
    assertThat(hcm.idleTimeout()).isEqualTo(Duration.ofHours(1));
    assertThat(config.clusters().get(0).connectTimeout()).isEqualTo(Duration.ofMillis(250));
  }

  @Test
  void rejectsNegativeAndZeroDurationsWhereEnvoyDoes() throws Exception {
    Path file = write("negative.yaml", """
        static_resources:
          clusters:
          - name: a
            connect_timeout: 0s
          - name: b
            connect_timeout: -1s
        """);

    ConfigException e = catchThrowableOfType(ConfigException.class, () -> loader.load(file));

    assertThat(e.problems()).containsExactly(
        "static_resources.clusters[0].connect_timeout: must be greater than 0s",
        "static_resources.clusters[1].connect_timeout: must not be negative, not -1s");
  }

  @Test
  void honorsAnExplicitMergeSlashesFalseWhetherWrittenInSnakeOrCamelCase() throws Exception {
    String template = """
        {"static_resources": {"listeners": [{"name": "l",
          "address": {"socket_address": {"address": "127.0.0.1", "port_value": 0}},
          "filter_chains": [{"filters": [{"name": "hcm", "typed_config": {
            "@type": "type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager",
            "stat_prefix": "http", %s "http_filters": [{"name": "envoy.filters.http.router"}],
            "route_config": {}}}]}]}]}}
        """;

    assertThat(mergeSlashes(template.formatted(""))).isTrue();
    assertThat(mergeSlashes(template.formatted("\"merge_slashes\": true,"))).isTrue();
    assertThat(mergeSlashes(template.formatted("\"merge_slashes\": false,"))).isFalse();
    assertThat(mergeSlashes(template.formatted("\"mergeSlashes\": false,"))).isFalse();
  }

  @Test
  void checksThatEachClusterOfATcpProxyExists() throws Exception {
    Path file = write("tcp.yaml", """
        static_resources:
          listeners:
          - name: l
            address: { socket_address: { address: 127.0.0.1, port_value: 9000 } }
            filter_chains:
            - filters:
              - name: envoy.filters.network.tcp_proxy
                typed_config:
                  "@type": type.googleapis.com/envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy
                  stat_prefix: tcp
                  cluster: x
          - name: m
            address: { socket_address: { address: 127.0.0.1, port_value: 9001 } }
            filter_chains:
            - filters:
              - name: envoy.filters.network.tcp_proxy
                typed_config:
                  "@type": type.googleapis.com/envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy
                  stat_prefix: tcp
                  weighted_clusters: { clusters: [{ name: known, weight: 1 }, { name: y, weight: 1 }] }
          clusters:
          - name: known
        """);

    ConfigException e = catchThrowableOfType(ConfigException.class, () -> loader.load(file));

    assertThat(e.problems()).containsExactly(
        "static_resources.listeners[0].filter_chains[0].filters[0].typed_config.cluster:"
            + " unknown cluster 'x' (not in static_resources.clusters)",
        "static_resources.listeners[1].filter_chains[0].filters[0].typed_config.weighted_clusters"
            + ".clusters[1].name: unknown cluster 'y' (not in static_resources.clusters)");
  }

  @Test
  void rejectsDuplicateNamesAndSharedAddresses() throws Exception {
    String listener = """
          - name: %s
            address: { socket_address: { address: 127.0.0.1, port_value: %d } }
            filter_chains:
            - filters:
              - name: envoy.filters.network.tcp_proxy
                typed_config:
                  "@type": type.googleapis.com/envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy
                  stat_prefix: tcp
                  cluster: c
        """;
    Path file = write("dups.yaml", "static_resources:\n  listeners:\n"
        + listener.formatted("a", 9000) + listener.formatted("a", 9001)
        + listener.formatted("b", 9000) + listener.formatted("c", 0) + listener.formatted("d", 0)
        + "  clusters:\n  - name: c\n  - name: c\n");

    ConfigException e = catchThrowableOfType(ConfigException.class, () -> loader.load(file));

    assertThat(e.problems()).containsExactly(
        "static_resources.listeners[1].name: duplicate listener name 'a' (also"
            + " static_resources.listeners[0])",
        "static_resources.listeners[2].address: the same address as static_resources.listeners[0]",
        "static_resources.clusters[1].name: duplicate cluster name 'c' (also"
            + " static_resources.clusters[0])");
  }

  @Test
  void acceptsNodeAndAdminAsEnvoyDocumentsThem() throws Exception {
    Path file = write("admin.yaml", """
        node: { id: gateway-1, cluster: gateways }
        admin:
          access_log_path: /dev/null
          address: { socket_address: { address: "::1", port_value: 15000 } }
        """);

    ProxyConfig config = loader.load(file);

    assertThat(config.admin()).contains(new InetSocketAddress("::1", 15000));
    assertThat(config.listeners()).isEmpty();
    assertThat(config.clusters()).isEmpty();
  }

  @Test
  void refusesAnAdminAccessLogItWouldNotWrite() throws Exception {
    Path file = write("admin-log.yaml", """
        admin:
          access_log_path: /var/log/admin.log
          address: { socket_address: { address: 127.0.0.1, port_value: 70000 } }
        """);

    ConfigException e = catchThrowableOfType(ConfigException.class, () -> loader.load(file));

    assertThat(e.problems()).containsExactly(
        "admin.access_log_path: '/var/log/admin.log' is not supported by Bowline yet: the admin"
            + " server keeps no access log (only /dev/null is accepted)",
        "admin.address.socket_address.port_value: must be from 0 to 65535, not 70000");
  }

  private boolean mergeSlashes(String json) throws Exception {
    ProxyConfig config = loader.parse("inline.json", json);
    return ((HttpConnectionManagerConfig) config.listeners().get(0).filterChains().get(0).filter())
        .mergeSlashes();
  }

  private Path write(String name, String text) throws IOException {
    return Files.writeString(dir.resolve(name), text);
  }

  private Path copy(String sample, String name) throws IOException {
    return Files.copy(sample(sample), dir.resolve(name));
  }
}
