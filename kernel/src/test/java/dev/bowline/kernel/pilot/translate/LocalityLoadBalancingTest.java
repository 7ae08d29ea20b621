package dev.bowline.kernel.pilot.translate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bowline.kernel.pilot.config.MeshSettings;
import dev.bowline.kernel.pilot.node.ProxyNode;
import dev.bowline.proxy.config.ClusterTranslator;
import dev.bowline.proxy.config.EndpointTranslator;
import dev.bowline.spi.model.Endpoint;
import dev.bowline.spi.model.HealthStatus;
import dev.bowline.spi.model.Hostname;
import dev.bowline.spi.model.Locality;
import dev.bowline.spi.model.Protocol;
import dev.bowline.spi.model.Service;
import dev.bowline.spi.model.ServicePort;
import dev.bowline.spi.platform.PlatformSnapshot;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/**
 * Locality load balancing: the EDS priorities and weights each proxy gets from where it runs, as
 * Istio computes them.
 */
class LocalityLoadBalancingTest {

  static final String PAY = "pay.shop.svc.cluster.local";
  static final String CLUSTER = "outbound|80||" + PAY;

  static PlatformSnapshot registry() {
    Service pay = Bookinfo.service("pay", "shop", ServicePort.of("http", 80, Protocol.HTTP));
    return new PlatformSnapshot(
        List.of(pay),
        Map.of(
            Hostname.of(PAY),
            Map.of(
                "http",
                List.of(
                    endpoint("10.0.0.1", "us-east/a/1", "v1"),
                    endpoint("10.0.0.2", "us-east/a/2", "v2"),
                    endpoint("10.0.0.3", "us-east/b", "v1"),
                    endpoint("10.0.0.4", "eu-west/c", "v1"),
                    endpoint("10.0.0.5", "ap-south/d", "v2")))),
        List.of());
  }

  static Endpoint endpoint(String ip, String locality, String version) {
    return new Endpoint(ip, 8080, Map.of("version", version), Locality.parse(locality), 1,
        HealthStatus.HEALTHY);
  }

  static ProxyNode at(String locality, String version) {
    Locality l = Locality.parse(locality);
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put("version", version);
    labels.put(ProxyNode.REGION_LABEL, l.region());
    labels.put(ProxyNode.ZONE_LABEL, l.zone());
    labels.put(ProxyNode.SUBZONE_LABEL, l.subzone());
    return Bookinfo.sidecar("shop", "client-" + locality.replace('/', '-'), labels);
  }

  static String rule(String trafficPolicy) {
    return """
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata: {name: pay, namespace: shop}
        spec:
          host: pay
          trafficPolicy:
        """ + trafficPolicy.stripIndent().indent(4);
  }

  private static ProxyResources translate(XdsTranslator t, PushContext context, ProxyNode node) {
    return t.translate(node, context);
  }

  private static ClusterLoadAssignment cla(ProxyResources r) {
    return r.endpoints().stream()
        .filter(c -> c.getClusterName().equals(CLUSTER))
        .findFirst()
        .orElseThrow();
  }

  /** {@code region/zone/subzone=priority:weight} per locality group, in order. */
  private static List<String> groups(ClusterLoadAssignment cla) {
    return cla.getEndpointsList().stream().map(LocalityLoadBalancingTest::describe).toList();
  }

  private static String describe(LocalityLbEndpoints l) {
    return l.getLocality().getRegion() + "/" + l.getLocality().getZone() + "/"
        + l.getLocality().getSubZone() + "=" + l.getPriority() + ":" + l.getLoadBalancingWeight().getValue()
        + l.getLbEndpointsList().stream()
            .map(e -> e.getEndpoint().getAddress().getSocketAddress().getAddress())
            .toList();
  }

  private static PushContext context(String rule) {
    return new PushContext(new ConfigFixtures().add(rule).snapshot(), registry(), MeshSettings.DEFAULTS);
  }

  @Test
  void withOutlierDetectionEndpointsAreOrderedByHowCloseTheyAreToTheProxy() {
    PushContext context = context(rule("outlierDetection: {consecutive5xxErrors: 3}\n"));
    XdsTranslator t = new XdsTranslator();
    ClusterLoadAssignment fromA1 = cla(translate(t, context, at("us-east/a/1", "v1")));
    assertThat(groups(fromA1))
        .as("same subzone 0, same zone 1, same region 2, elsewhere 3")
        .containsExactly(
            "us-east/a/1=0:1[10.0.0.1]",
            "us-east/a/2=1:1[10.0.0.2]",
            "us-east/b/=2:1[10.0.0.3]",
            "ap-south/d/=3:1[10.0.0.5]",
            "eu-west/c/=3:1[10.0.0.4]");
    ClusterLoadAssignment fromEu = cla(translate(t, context, at("eu-west/c", "v1")));
    assertThat(groups(fromEu))
        .as("priorities are renumbered without gaps")
        .containsExactly(
            "eu-west/c/=0:1[10.0.0.4]",
            "ap-south/d/=1:1[10.0.0.5]",
            "us-east/a/1=1:1[10.0.0.1]",
            "us-east/a/2=1:1[10.0.0.2]",
            "us-east/b/=1:1[10.0.0.3]");
    assertThat(translate(t, context, at("us-east/a/1", "v2")).endpoints())
        .as("proxies of one locality share one list")
        .isSameAs(translate(t, context, at("us-east/a/1", "v1")).endpoints());
    Cluster cluster =
        translate(t, context, at("us-east/a/1", "v1")).clusters().stream()
            .filter(c -> c.getName().equals(CLUSTER)).findFirst().orElseThrow();
    assertThat(cluster.getCommonLbConfig().hasLocalityWeightedLbConfig())
        .as("Istio's default failover needs no locality weights").isFalse();
  }

  @Test
  void failoverRulesSendARegionsTrafficToTheRegionTheyName() throws Exception {
    PushContext context =
        context(
            rule(
                """
                outlierDetection: {consecutiveGatewayErrors: 3}
                loadBalancer:
                  localityLbSetting:
                    failover: [{from: us-east, to: eu-west}]
                """));
    ProxyResources r = new XdsTranslator().translate(at("us-east/b", "v1"), context);
    assertThat(groups(cla(r)))
        .containsExactly(
            "us-east/b/=0:1[10.0.0.3]",
            "us-east/a/1=1:1[10.0.0.1]",
            "us-east/a/2=1:1[10.0.0.2]",
            "eu-west/c/=2:1[10.0.0.4]",
            "ap-south/d/=3:1[10.0.0.5]");
    Cluster cluster =
        r.clusters().stream().filter(c -> c.getName().equals(CLUSTER)).findFirst().orElseThrow();
    assertThat(cluster.getCommonLbConfig().hasLocalityWeightedLbConfig())
        .as("priorities do the failover; the proxy refuses locality-weighted balancing")
        .isFalse();
    assertThat(ClusterTranslator.translate(cluster, "cluster")).isNotNull();
  }

  @Test
  void withoutOutlierDetectionFailoverDoesNothingAndEveryProxySharesTheEndpoints() {
    PushContext context =
        context(
            rule(
                """
                loadBalancer:
                  localityLbSetting:
                    failover: [{from: us-east, to: eu-west}]
                """));
    XdsTranslator t = new XdsTranslator();
    ProxyResources r = translate(t, context, at("us-east/b", "v1"));
    assertThat(r.endpoints()).isSameAs(translate(t, context, at("eu-west/c", "v1")).endpoints());
    assertThat(cla(r).getEndpointsList()).allMatch(l -> l.getPriority() == 0);
  }

  @Test
  void failoverPriorityPrefersEndpointsSharingTheProxysLabelsThenItsLocality() {
    PushContext context =
        context(
            rule(
                """
                outlierDetection: {consecutive5xxErrors: 3}
                loadBalancer:
                  localityLbSetting:
                    failoverPriority: [version, topology.kubernetes.io/region]
                """));
    ProxyResources r = new XdsTranslator().translate(at("us-east/a/2", "v1"), context);
    assertThat(groups(cla(r)))
        .as("v1 in us-east 0, v1 elsewhere 1, other versions 2")
        .containsExactly(
            "us-east/a/1=0:1[10.0.0.1]",
            "us-east/b/=0:1[10.0.0.3]",
            "eu-west/c/=1:1[10.0.0.4]",
            "ap-south/d/=2:1[10.0.0.5]",
            "us-east/a/2=2:1[10.0.0.2]");
    ProxyResources v2 = new XdsTranslator().translate(at("us-east/a/2", "v2"), context);
    assertThat(v2.endpoints())
        .as("the label values tell the lists apart").isNotEqualTo(r.endpoints());
  }

  @Test
  void distributeWeighsLocalitiesAndLeavesOutTheOthers() throws Exception {
    PushContext context =
        context(
            rule(
                """
                loadBalancer:
                  localityLbSetting:
                    distribute:
                    - from: us-east/a/*
                      to: {"us-east/a/*": 80, "eu-west/*": 20}
                    - from: "*"
                      to: {"ap-south/d": 100}
                """));
    XdsTranslator t = new XdsTranslator();
    assertThat(groups(cla(translate(t, context, at("us-east/a/2", "v1")))))
        .containsExactly(
            "eu-west/c/=0:20[10.0.0.4]",
            "us-east/a/1=0:40[10.0.0.1]",
            "us-east/a/2=0:40[10.0.0.2]");
    assertThat(groups(cla(translate(t, context, at("us-east/b", "v1")))))
        .as("the first rule whose from matches")
        .containsExactly("ap-south/d/=0:100[10.0.0.5]");
    Cluster cluster =
        translate(t, context, at("us-east/b", "v1")).clusters().stream()
            .filter(c -> c.getName().equals(CLUSTER)).findFirst().orElseThrow();
    assertThat(cluster.getCommonLbConfig().hasLocalityWeightedLbConfig())
        .as("the proxy refuses locality-weighted balancing: endpoint weights carry the shares")
        .isFalse();
    assertThat(ClusterTranslator.translate(cluster, "cluster")).isNotNull();
  }

  @Test
  void distributeFoldsLocalityWeightsIntoEndpointWeightsTheProxyBalancesBy() throws Exception {
    PlatformSnapshot registry =
        new PlatformSnapshot(
            List.of(Bookinfo.service("pay", "shop", ServicePort.of("http", 80, Protocol.HTTP))),
            Map.of(
                Hostname.of(PAY),
                Map.of(
                    "http",
                    List.of(
                        endpoint("10.0.0.1", "us-east/a", "v1"),
                        endpoint("10.0.0.2", "us-east/a", "v1"),
                        endpoint("10.0.0.3", "us-east/a", "v1"),
                        new Endpoint("10.0.0.4", 8080, Map.of(), Locality.parse("eu-west/c"), 3,
                            HealthStatus.HEALTHY),
                        endpoint("10.0.0.5", "eu-west/c", "v1"),
                        endpoint("10.0.0.6", "ap-south/d", "v1")))),
            List.of());
    PushContext context =
        new PushContext(
            new ConfigFixtures()
                .add(
                    rule(
                        """
                        loadBalancer:
                          localityLbSetting:
                            distribute:
                            - from: us-east/*
                              to: {"us-east/a": 70, "eu-west/c": 20, "ap-south/d": 10}
                        """))
                .snapshot(),
            registry,
            MeshSettings.DEFAULTS);
    ProxyResources r = new XdsTranslator().translate(at("us-east/a", "v1"), context);

    List<dev.bowline.spi.model.Endpoint> endpoints =
        EndpointTranslator.translate(cla(r), "endpoints");
    Map<String, Long> share = new LinkedHashMap<>();
    long total = 0;
    for (dev.bowline.spi.model.Endpoint e : endpoints) {
      share.merge(e.locality().region(), (long) e.weight(), Long::sum);
      total += e.weight();
    }
    long sum = total;
    assertThat(share)
        .as("each locality's share of the endpoint weights is its distribute weight")
        .containsOnlyKeys("us-east", "eu-west", "ap-south")
        .hasEntrySatisfying("us-east", w -> assertThat(w * 100).isEqualTo(70 * sum))
        .hasEntrySatisfying("eu-west", w -> assertThat(w * 100).isEqualTo(20 * sum))
        .hasEntrySatisfying("ap-south", w -> assertThat(w * 100).isEqualTo(10 * sum));
    assertThat(endpoints)
        .filteredOn(e -> e.locality().region().equals("eu-west"))
        .extracting(dev.bowline.spi.model.Endpoint::weight)
        .as("within a locality, endpoints keep their own proportions (3 to 1)")
        .containsExactly(3 * endpoints.stream()
            .filter(e -> e.address().equals("10.0.0.5")).findFirst().orElseThrow().weight(),
            endpoints.stream()
            .filter(e -> e.address().equals("10.0.0.5")).findFirst().orElseThrow().weight());
    assertThat(cla(r).getEndpointsList())
        .extracting(l -> l.getLoadBalancingWeight().getValue())
        .as("the locality weights stay, for proxyless gRPC clients")
        .containsExactly(10, 20, 70);
    Cluster cluster =
        r.clusters().stream().filter(c -> c.getName().equals(CLUSTER)).findFirst().orElseThrow();
    assertThat(ClusterTranslator.translate(cluster, "cluster"))
        .as("the proxy accepts the cluster")
        .isNotNull();
  }

  @Test
  void disabledLocalityLoadBalancingLeavesEndpointsAlone() {
    PushContext context =
        context(
            rule(
                """
                outlierDetection: {consecutive5xxErrors: 3}
                loadBalancer:
                  localityLbSetting: {enabled: false}
                """));
    ProxyResources r = new XdsTranslator().translate(at("us-east/a/1", "v1"), context);
    assertThat(cla(r).getEndpointsList()).allMatch(l -> l.getPriority() == 0);
  }

  @Test
  void aProxyTakesItsLocalityFromItsNodeElseFromItsTopologyLabels() {
    ProxyNode labelled = at("us-east/a/1", "v1");
    assertThat(labelled.locality()).isEqualTo(new Locality("us-east", "a", "1"));
    assertThat(ProxyNode.fromEnvoyNode(labelled.toEnvoyNode()).locality())
        .isEqualTo(labelled.locality());

    ProxyNode plain =
        new ProxyNode("sidecar~10.0.0.9~w.shop~shop.svc.cluster.local", ProxyNode.Type.SIDECAR,
            "10.0.0.9", "w", "shop", "default", Map.of(), "", OptionalInt.empty(), 15006, 15001,
            new Locality("eu-west", "c", ""));
    Node node = plain.toEnvoyNode();
    assertThat(node.getLocality().getRegion()).isEqualTo("eu-west");
    assertThat(ProxyNode.fromEnvoyNode(node).locality()).isEqualTo(new Locality("eu-west", "c", ""));
    assertThat(ProxyNode.fromEnvoyNode(Node.newBuilder().setId("x").build()).locality())
        .isEqualTo(Locality.UNKNOWN);
  }
}
