package dev.bowline.kernel.pilot.translate;

import static dev.bowline.kernel.pilot.translate.Bookinfo.REVIEWS;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Any;
import dev.bowline.kernel.pilot.config.MeshSettings;
import dev.bowline.kernel.pilot.node.ProxyNode;
import dev.bowline.proxy.config.ClusterConfig;
import dev.bowline.proxy.config.EndpointTranslator;
import dev.bowline.proxy.config.HttpConnectionManagerConfig;
import dev.bowline.proxy.config.ListenerConfig;
import dev.bowline.proxy.config.TcpProxyConfig;
import dev.bowline.proxy.route.ForwardAction;
import dev.bowline.proxy.route.RouteEntry;
import dev.bowline.proxy.route.RouteTable;
import dev.bowline.spi.model.Endpoint;
import dev.bowline.spi.model.Hostname;
import dev.bowline.spi.model.MeshLocation;
import dev.bowline.spi.model.Protocol;
import dev.bowline.spi.model.Service;
import dev.bowline.spi.model.ServicePort;
import dev.bowline.spi.platform.PlatformSnapshot;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.ApiVersion;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** A sidecar's resources for Bookinfo with the istio.io {@code reviews} routing. */
class SidecarTranslationTest {

  private final XdsTranslator translator = new XdsTranslator();

  private ProxyResources defaultSidecar() {
    return translator.translate(Bookinfo.sidecar("default", "productpage-1", Map.of()),
        Bookinfo.context());
  }

  @Test
  void clustersAreIstioNamedEdsClustersPerPortAndSubset() throws Exception {
    ProxyResources r = defaultSidecar();
    assertThat(r.clusters()).extracting(Cluster::getName).containsExactlyInAnyOrder(
        "outbound|9080||productpage.default.svc.cluster.local",
        "outbound|9080||details.default.svc.cluster.local",
        "outbound|9080||ratings.default.svc.cluster.local",
        "outbound|9080||" + REVIEWS,
        "outbound|9080|v1|" + REVIEWS,
        "outbound|9080|v2|" + REVIEWS,
        "outbound|9080|v3|" + REVIEWS);
    Cluster v2 = cluster(r, "outbound|9080|v2|" + REVIEWS);
    assertThat(v2.getType()).isEqualTo(Cluster.DiscoveryType.EDS);
    assertThat(v2.getEdsClusterConfig().getServiceName()).isEqualTo(v2.getName());
    assertThat(v2.getEdsClusterConfig().getEdsConfig().hasAds()).isTrue();
    assertThat(v2.getEdsClusterConfig().getEdsConfig().getResourceApiVersion())
        .isEqualTo(ApiVersion.V3);

    Map<String, ClusterConfig> accepted = ProxyAcceptance.check(r).clusters();
    assertThat(accepted.get("outbound|9080||" + REVIEWS).lbPolicy()).isEqualTo("bowline.lb.random");
    assertThat(accepted.get("outbound|9080|v1|" + REVIEWS).lbPolicy())
        .as("a subset without policy inherits the rule's").isEqualTo("bowline.lb.random");
    assertThat(accepted.get("outbound|9080|v2|" + REVIEWS).lbPolicy())
        .as("the subset's policy overrides the rule's").isEqualTo("bowline.lb.round_robin");
    assertThat(accepted.get("outbound|9080||details.default.svc.cluster.local").lbPolicy())
        .isEqualTo("bowline.lb.round_robin");
    for (ClusterConfig c : accepted.values()) {
      assertThat(c.connectTimeout()).as(c.name()).isEqualTo(Duration.ofSeconds(10));
      assertThat(c.discovery()).isEqualTo(ClusterConfig.Discovery.EDS);
      assertThat(c.protocol()).isEqualTo(ClusterConfig.UpstreamProtocol.HTTP1);
      assertThat(c.limits().maxRetries()).as("Istio's unlimited default").isEqualTo(Integer.MAX_VALUE);
    }
  }

  @Test
  void eachSubsetGetsTheEndpointsWithItsLabelsGroupedByLocality() throws Exception {
    ProxyResources r = defaultSidecar();
    assertThat(addresses(r, "outbound|9080|v1|" + REVIEWS)).containsExactly("10.0.3.1");
    assertThat(addresses(r, "outbound|9080|v2|" + REVIEWS)).containsExactly("10.0.3.2", "10.0.3.4");
    assertThat(addresses(r, "outbound|9080|v3|" + REVIEWS)).containsExactly("10.0.3.3");
    assertThat(addresses(r, "outbound|9080||" + REVIEWS))
        .containsExactly("10.0.3.1", "10.0.3.2", "10.0.3.3", "10.0.3.4");

    ClusterLoadAssignment v2 = cla(r, "outbound|9080|v2|" + REVIEWS);
    assertThat(v2.getEndpointsList()).extracting(l -> l.getLocality().getZone())
        .containsExactly("us-east1-a", "us-east1-b");
    assertThat(v2.getEndpointsList()).extracting(l -> l.getLoadBalancingWeight().getValue())
        .as("the sum of the endpoint weights").containsExactly(1, 3);
    List<Endpoint> endpoints = EndpointTranslator.translate(v2, "v2");
    assertThat(endpoints).extracting(Endpoint::address, Endpoint::weight, Endpoint::health)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("10.0.3.2", 1, dev.bowline.spi.model.HealthStatus.HEALTHY),
            org.assertj.core.groups.Tuple.tuple("10.0.3.4", 3, dev.bowline.spi.model.HealthStatus.DRAINING));
    assertThat(endpoints.get(1).locality()).isEqualTo(Bookinfo.ZONE_B);

    ClusterLoadAssignment ratings = cla(r, "outbound|9080||ratings.default.svc.cluster.local");
    assertThat(ratings.getEndpointsList()).as("an empty cluster still has its assignment").isEmpty();
  }

  @Test
  void jasonGoesToV2AndEveryoneElseIsSplit80To20() throws Exception {
    RouteTable table = ProxyAcceptance.check(defaultSidecar()).routes().get("outbound");
    for (String authority : List.of("reviews:9080", "reviews", REVIEWS + ":9080", "reviews.default")) {
      RouteEntry jason =
          table.route(TestRequest.get(authority, "/reviews/1").header("end-user", "jason"));
      assertThat(clusters(jason)).as(authority).containsExactly("outbound|9080|v2|" + REVIEWS);
    }
    RouteEntry other = table.route(TestRequest.get("reviews:9080", "/reviews/1"));
    ForwardAction split = (ForwardAction) other.action();
    assertThat(split.clusters()).extracting(c -> c.name() + "=" + c.weight())
        .containsExactly("outbound|9080|v1|" + REVIEWS + "=80", "outbound|9080|v2|" + REVIEWS + "=20");
    assertThat(split.pickCluster(79).name()).endsWith("|v1|" + REVIEWS);
    assertThat(split.pickCluster(80).name()).endsWith("|v2|" + REVIEWS);
    assertThat(split.timeout()).as("Istio: no route timeout by default").isEqualTo(Duration.ZERO);
    assertThat(split.retryPolicy()).hasValueSatisfying(p -> {
      assertThat(p.numRetries()).isEqualTo(2);
      assertThat(p.conditions()).contains("connect-failure", "refused-stream", "unavailable",
          "cancelled", "retriable-status-codes");
      assertThat(p.retriableStatusCodes()).containsExactly(503);
    });

    RouteEntry productpage = table.route(TestRequest.get("productpage:9080", "/productpage"));
    assertThat(clusters(productpage))
        .as("a service without VirtualService has one route to its cluster")
        .containsExactly("outbound|9080||productpage.default.svc.cluster.local");
    assertThat(table.route(TestRequest.get("unknown:9080", "/"))).isNull();
  }

  @Test
  void shortNamesServeOnlyProxiesOfTheServicesNamespace() throws Exception {
    PushContext context = Bookinfo.context();
    ProxyResources same = translator.translate(Bookinfo.sidecar("default", "a", Map.of()), context);
    ProxyResources other = translator.translate(Bookinfo.sidecar("shop", "b", Map.of()), context);

    VirtualHost sameHost = vhost(same, REVIEWS + ":9080");
    assertThat(sameHost.getDomainsList()).containsExactlyInAnyOrder(
        REVIEWS + ":9080", REVIEWS, "reviews.default:9080", "reviews.default",
        "reviews.default.svc:9080", "reviews.default.svc", "reviews:9080", "reviews");
    VirtualHost otherHost = vhost(other, REVIEWS + ":9080");
    assertThat(otherHost.getDomainsList()).containsExactlyInAnyOrder(
        REVIEWS + ":9080", REVIEWS, "reviews.default:9080", "reviews.default",
        "reviews.default.svc:9080", "reviews.default.svc");

    RouteTable otherTable = ProxyAcceptance.check(other).routes().get("outbound");
    assertThat(otherTable.route(TestRequest.get("reviews:9080", "/"))).isNull();
    assertThat(clusters(otherTable.route(TestRequest.get("reviews.default:9080", "/"))))
        .containsExactly("outbound|9080|v1|" + REVIEWS, "outbound|9080|v2|" + REVIEWS);
  }

  @Test
  void aDotlessHostKeepsItsNameOverABareShortFormAndNamespacesShareWhatTheyDoNotOwn()
      throws Exception {
    Service dotless =
        new Service(Hostname.of("reviews"), "default",
            List.of(ServicePort.of("http", 9080, Protocol.HTTP)), Map.of(),
            MeshLocation.MESH_EXTERNAL);
    PushContext context =
        new PushContext(Bookinfo.config(), Bookinfo.registry(dotless), MeshSettings.DEFAULTS);
    ProxyResources own = translator.translate(Bookinfo.sidecar("default", "a", Map.of()), context);
    ProxyResources shop = translator.translate(Bookinfo.sidecar("shop", "b", Map.of()), context);
    ProxyResources other = translator.translate(Bookinfo.sidecar("other", "c", Map.of()), context);

    assertThat(vhost(own, "reviews:9080").getDomainsList())
        .containsExactly("reviews:9080", "reviews");
    assertThat(vhost(own, REVIEWS + ":9080").getDomainsList())
        .as("the bare short form is the dotless host's")
        .doesNotContain("reviews:9080", "reviews")
        .contains("reviews.default:9080", "reviews.default.svc");
    assertThat(vhost(own, "ratings.default.svc.cluster.local:9080").getDomainsList())
        .contains("ratings:9080", "ratings");
    assertThat(route(shop)).isNotSameAs(route(other));
    assertThat(vhost(shop, "ratings.default.svc.cluster.local:9080"))
        .as("a virtual host no namespace-specific rule touches is built once per push")
        .isSameAs(vhost(other, "ratings.default.svc.cluster.local:9080"))
        .isNotSameAs(vhost(own, "ratings.default.svc.cluster.local:9080"));
  }

  @Test
  void aDomainIsNeverInTwoVirtualHostsAndRealNamesWin() throws Exception {
    // A service whose real name is a short form of another's, and a multi-port service.
    Service literal =
        new Service(Hostname.of("reviews.default"), "default",
            List.of(ServicePort.of("http", 9080, Protocol.HTTP)), Map.of(),
            MeshLocation.MESH_EXTERNAL);
    Service multi =
        Bookinfo.service("web", "default", ServicePort.of("http-alt", 8080, Protocol.HTTP),
            ServicePort.of("http", 80, Protocol.HTTP), ServicePort.of("grpc", 9090, Protocol.GRPC),
            ServicePort.of("tcp", 5432, Protocol.TCP));
    PushContext context =
        new PushContext(Bookinfo.config(), Bookinfo.registry(literal, multi), MeshSettings.DEFAULTS);
    ProxyResources r = translator.translate(Bookinfo.sidecar("default", "a", Map.of()), context);

    List<String> all = new ArrayList<>();
    route(r).getVirtualHostsList().forEach(v -> all.addAll(v.getDomainsList()));
    assertThat(all).doesNotHaveDuplicates();
    assertThat(vhost(r, "reviews.default:9080").getDomainsList())
        .containsExactly("reviews.default:9080", "reviews.default");
    assertThat(vhost(r, REVIEWS + ":9080").getDomainsList())
        .doesNotContain("reviews.default:9080", "reviews.default")
        .contains("reviews:9080", "reviews.default.svc");
    assertThat(vhost(r, "web.default.svc.cluster.local:80").getDomainsList())
        .as("port 80 is the main port").contains("web", "web:80", "web.default.svc.cluster.local");
    assertThat(vhost(r, "web.default.svc.cluster.local:8080").getDomainsList())
        .containsExactlyInAnyOrder("web.default.svc.cluster.local:8080", "web.default:8080",
            "web.default.svc:8080", "web:8080");
    assertThat(route(r).getVirtualHostsList()).extracting(VirtualHost::getName)
        .as("no virtual host for a TCP port")
        .doesNotContain("web.default.svc.cluster.local:5432")
        .contains("web.default.svc.cluster.local:9090");
    assertThat(cluster(r, "outbound|9090||web.default.svc.cluster.local")
            .getTypedExtensionProtocolOptionsMap())
        .containsKey(OutboundClusters.HTTP_PROTOCOL_OPTIONS_KEY);
    assertThat(ProxyAcceptance.check(r).clusters()
            .get("outbound|9090||web.default.svc.cluster.local").protocol())
        .isEqualTo(ClusterConfig.UpstreamProtocol.HTTP2);
    assertThat(r.clusters()).extracting(Cluster::getName)
        .as("TCP ports still get clusters").contains("outbound|5432||web.default.svc.cluster.local");

    RouteTable table = ProxyAcceptance.check(r).routes().get("outbound");
    assertThat(clusters(table.route(TestRequest.get("web", "/"))))
        .containsExactly("outbound|80||web.default.svc.cluster.local");
    assertThat(clusters(table.route(TestRequest.get("web:8080", "/"))))
        .containsExactly("outbound|8080||web.default.svc.cluster.local");
  }

  @Test
  void outboundListenerIsAnExplicitProxyOnLoopbackWithRds() throws Exception {
    ProxyResources r = defaultSidecar();
    assertThat(r.listeners()).extracting(Listener::getName).containsExactly("virtualOutbound");
    Listener outbound = r.listeners().get(0);
    HttpConnectionManager hcm = ProxyAcceptance.managers(outbound).get(0);
    assertThat(hcm.getStatPrefix()).isEqualTo("outbound_0.0.0.0_15001");
    assertThat(hcm.getRds().getRouteConfigName()).isEqualTo("outbound");
    assertThat(hcm.getRds().getConfigSource().hasAds()).isTrue();
    assertThat(hcm.getHttpFiltersList()).extracting(f -> f.getTypedConfig().getTypeUrl())
        .containsExactly(
            "type.googleapis.com/envoy.extensions.filters.http.cors.v3.Cors",
            "type.googleapis.com/envoy.extensions.filters.http.fault.v3.HTTPFault",
            "type.googleapis.com/envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit",
            "type.googleapis.com/envoy.extensions.filters.http.router.v3.Router");
    ListenerConfig accepted = ProxyAcceptance.check(r).listeners().get("virtualOutbound");
    assertThat(accepted.address().getAddress().getHostAddress()).isEqualTo("127.0.0.1");
    assertThat(accepted.address().getPort()).isEqualTo(15001);
    assertThat(r.routes()).extracting(RouteConfiguration::getName).containsExactly("outbound");
  }

  @Test
  void inboundListenerSendsEverythingToTheLocalApplication() throws Exception {
    ProxyResources r =
        translator.translate(Bookinfo.sidecarWithApp("default", "reviews", 9080), Bookinfo.context());
    ProxyAcceptance.Accepted accepted = ProxyAcceptance.check(r);
    assertThat(r.listeners()).extracting(Listener::getName)
        .containsExactly("virtualInbound", "virtualOutbound");
    ListenerConfig inbound = accepted.listeners().get("virtualInbound");
    assertThat(inbound.address().getAddress().getHostAddress()).isEqualTo("0.0.0.0");
    assertThat(inbound.address().getPort()).isEqualTo(15006);
    HttpConnectionManagerConfig hcm =
        (HttpConnectionManagerConfig) inbound.filterChains().get(0).filter();
    assertThat(hcm.statPrefix()).isEqualTo("inbound_0.0.0.0_15006");
    RouteTable routes = RouteTable.compile(hcm.routeConfig(), "inbound");
    assertThat(routes.name()).isEqualTo("inbound|9080||");
    ForwardAction local =
        (ForwardAction) routes.route(TestRequest.get("anything.example:1234", "/x")).action();
    assertThat(local.clusters()).extracting(c -> c.name()).containsExactly("inbound|9080||");
    assertThat(local.timeout()).isEqualTo(Duration.ZERO);

    ClusterConfig cluster = accepted.clusters().get("inbound|9080||");
    assertThat(cluster.discovery()).isEqualTo(ClusterConfig.Discovery.STATIC);
    assertThat(cluster.endpoints()).extracting(Endpoint::authority).containsExactly("127.0.0.1:9080");
    assertThat(cluster.connectTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(cluster.protocol()).isEqualTo(ClusterConfig.UpstreamProtocol.HTTP1);
    assertThat(r.endpoints()).extracting(ClusterLoadAssignment::getClusterName)
        .as("a STATIC cluster carries its endpoints itself").doesNotContain("inbound|9080||");
  }

  @Test
  void inboundSpeaksHttp2ToGrpcApplicationsAndProxiesTcpOnes() throws Exception {
    Service grpc =
        Bookinfo.service("echo", "apps", new ServicePort("grpc", 50051, Protocol.GRPC, 8443));
    Service db = Bookinfo.service("db", "apps", ServicePort.of("tcp-pg", 5432, Protocol.TCP));
    PushContext context =
        new PushContext(Bookinfo.config(), Bookinfo.registry(grpc, db), MeshSettings.DEFAULTS);

    ProxyResources echo = translator.translate(Bookinfo.sidecarWithApp("apps", "echo", 8443), context);
    ProxyAcceptance.Accepted accepted = ProxyAcceptance.check(echo);
    assertThat(accepted.clusters().get("inbound|8443||").protocol())
        .as("the target port of a gRPC service port").isEqualTo(ClusterConfig.UpstreamProtocol.HTTP2);

    ProxyResources pg = translator.translate(Bookinfo.sidecarWithApp("apps", "db", 5432), context);
    ListenerConfig inbound = ProxyAcceptance.check(pg).listeners().get("virtualInbound");
    TcpProxyConfig tcp = (TcpProxyConfig) inbound.filterChains().get(0).filter();
    assertThat(tcp.clusters()).extracting(TcpProxyConfig.WeightedCluster::name)
        .containsExactly("inbound|5432||");
  }

  @Test
  void equalInputsGiveEqualResourcesWhateverTheRegistryOrder() {
    PlatformSnapshot registry = Bookinfo.registry();
    List<Service> shuffled = new ArrayList<>(registry.services());
    Collections.reverse(shuffled);
    PlatformSnapshot reordered =
        new PlatformSnapshot(shuffled, registry.endpoints(), registry.workloads());
    ProxyNode node = Bookinfo.sidecarWithApp("default", "reviews", 9080);
    ProxyResources a =
        new XdsTranslator().translate(node,
            new PushContext(Bookinfo.config(), registry, MeshSettings.DEFAULTS));
    ProxyResources b =
        new XdsTranslator().translate(node,
            new PushContext(Bookinfo.config(), reordered, MeshSettings.DEFAULTS));
    assertThat(b).isEqualTo(a);
    assertThat(a.clusters().stream().map(Any::pack).toList())
        .isEqualTo(b.clusters().stream().map(Any::pack).toList());
  }

  static Cluster cluster(ProxyResources r, String name) {
    return r.clusters().stream().filter(c -> c.getName().equals(name)).findFirst().orElseThrow();
  }

  static ClusterLoadAssignment cla(ProxyResources r, String name) {
    return r.endpoints().stream().filter(c -> c.getClusterName().equals(name)).findFirst()
        .orElseThrow();
  }

  static List<String> addresses(ProxyResources r, String cluster) {
    return cla(r, cluster).getEndpointsList().stream()
        .map(LocalityLbEndpoints::getLbEndpointsList)
        .flatMap(List::stream)
        .map(e -> e.getEndpoint().getAddress().getSocketAddress().getAddress())
        .collect(Collectors.toList());
  }

  static RouteConfiguration route(ProxyResources r) {
    return r.routes().stream().collect(Collectors.toMap(RouteConfiguration::getName,
        Function.identity())).get("outbound");
  }

  static VirtualHost vhost(ProxyResources r, String name) {
    return route(r).getVirtualHostsList().stream().filter(v -> v.getName().equals(name))
        .findFirst().orElseThrow(() -> new AssertionError("no virtual host " + name));
  }

  static List<String> clusters(RouteEntry entry) {
    assertThat(entry).as("a route").isNotNull();
    return ((ForwardAction) entry.action()).clusters().stream().map(c -> c.name()).toList();
  }
}
