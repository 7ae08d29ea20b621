package dev.bowline.proxy.xds;

import static dev.bowline.proxy.xds.EnvoyResources.any;
import static dev.bowline.proxy.xds.EnvoyResources.assignment;
import static dev.bowline.proxy.xds.EnvoyResources.edsCluster;
import static dev.bowline.proxy.xds.EnvoyResources.httpListener;
import static dev.bowline.proxy.xds.EnvoyResources.routes;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.UInt32Value;
import com.google.protobuf.util.Durations;
import dev.bowline.proxy.config.ClusterConfig;
import dev.bowline.proxy.config.HttpConnectionManagerConfig;
import dev.bowline.proxy.config.ListenerConfig;
import dev.bowline.spi.model.Endpoint;
import dev.bowline.spi.model.HealthStatus;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.cluster.v3.OutlierDetection;
import io.envoyproxy.envoy.config.core.v3.ConfigSource;
import io.envoyproxy.envoy.config.core.v3.PathConfigSource;
import io.envoyproxy.envoy.config.core.v3.TypedExtensionConfig;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Envoy's validate-then-apply semantics, response by response, against a recording sink. */
class XdsUpdateApplierTest {

  private final RecordingSink sink = new RecordingSink();
  private final XdsUpdateApplier applier = new XdsUpdateApplier(sink);

  private XdsUpdateApplier.Result cds(Cluster... clusters) {
    return applier.apply(XdsResourceType.CLUSTER, any(clusters));
  }

  /** An endpoint as EDS gives it without a health status. */
  private static Endpoint endpoint(int port) {
    return Endpoint.of("127.0.0.1", port).withHealth(HealthStatus.UNKNOWN);
  }

  private static String routeName(ListenerConfig listener) {
    return ((HttpConnectionManagerConfig) listener.filterChains().get(0).filter())
        .routeConfig().getName();
  }

  @Test
  void anEdsClusterRunsAtOnceAndAnEdsUpdateOnlyChangesItsEndpoints() {
    assertThat(cds(edsCluster("backend", "backend-svc")).accepted()).isTrue();

    ClusterConfig applied = sink.last().clusters().get(0);
    assertThat(applied.name()).isEqualTo("backend");
    assertThat(applied.endpoints()).isEmpty();
    assertThat(applier.accepted().edsServiceNames()).containsExactly("backend-svc");

    XdsUpdateApplier.Result eds =
        applier.apply(XdsResourceType.ENDPOINT, any(assignment("backend-svc", 8080)));

    assertThat(eds.accepted()).isTrue();
    assertThat(sink.applied).hasSize(1); // no full apply
    assertThat(sink.endpointUpdates)
        .containsExactly(
            new RecordingSink.EndpointUpdate("backend", List.of(endpoint(8080))));
  }

  @Test
  void anUnchangedAssignmentUpdatesNothing() {
    cds(edsCluster("backend", "backend-svc"));
    applier.apply(XdsResourceType.ENDPOINT, any(assignment("backend-svc", 8080)));

    assertThat(applier.apply(XdsResourceType.ENDPOINT, any(assignment("backend-svc", 8080)))
        .accepted()).isTrue();

    assertThat(sink.endpointUpdates).hasSize(1);
  }

  @Test
  void aRebuiltEdsClusterStartsWithTheEndpointsHeldForIt() {
    cds(edsCluster("backend", "backend-svc"));
    applier.apply(XdsResourceType.ENDPOINT, any(assignment("backend-svc", 8080, 8081)));

    Cluster slower =
        edsCluster("backend", "backend-svc").toBuilder()
            .setConnectTimeout(Durations.fromSeconds(3)).build();
    assertThat(cds(slower).accepted()).isTrue();

    ClusterConfig applied = sink.last().clusters().get(0);
    assertThat(applied.connectTimeout()).hasSeconds(3);
    assertThat(applied.endpoints())
        .containsExactly(endpoint(8080), endpoint(8081));
  }

  @Test
  void theClusterNameIsTheServiceNameWhenNoneIsGiven() {
    Cluster plain =
        edsCluster("backend", "x").toBuilder()
            .setEdsClusterConfig(Cluster.EdsClusterConfig.newBuilder()).build();
    cds(plain);

    assertThat(applier.accepted().edsServiceNames()).containsExactly("backend");
  }

  @Test
  void unrequestedAssignmentsAndRoutesAreIgnored() {
    cds(edsCluster("backend", "backend-svc"));

    XdsUpdateApplier.Result eds =
        applier.apply(
            XdsResourceType.ENDPOINT,
            any(assignment("backend-svc", 8080), assignment("someone-else", 9090)));

    assertThat(eds.accepted()).isTrue();
    assertThat(eds.summary()).contains("1 unrequested assignment(s) ignored");
    assertThat(applier.accepted().endpoints()).containsOnlyKeys("backend-svc");
    XdsUpdateApplier.Result rds =
        applier.apply(XdsResourceType.ROUTE, any(routes("nobody-asked", "backend")));
    assertThat(rds.accepted()).isTrue();
    assertThat(applier.accepted().routes()).isEmpty();
  }

  @Test
  void aListenerWaitsForItsRoutesWithoutHoldingTheOthersBack() {
    applier.apply(XdsResourceType.LISTENER,
        any(httpListener("first", "routes-1"), httpListener("second", "routes-2")));

    assertThat(sink.last().listeners()).isEmpty();
    assertThat(applier.accepted().routeNames()).containsExactly("routes-1", "routes-2");

    XdsUpdateApplier.Result one =
        applier.apply(XdsResourceType.ROUTE, any(routes("routes-1", "backend")));

    assertThat(one.accepted()).isTrue();
    assertThat(one.summary()).contains("listener second waits for route configuration(s) [routes-2]");
    assertThat(sink.last().listeners()).extracting(ListenerConfig::name).containsExactly("first");
    assertThat(routeName(sink.last().listeners().get(0))).isEqualTo("routes-1");

    applier.apply(XdsResourceType.ROUTE,
        any(routes("routes-1", "backend"), routes("routes-2", "backend")));

    assertThat(sink.last().listeners())
        .extracting(ListenerConfig::name)
        .containsExactly("first", "second");
  }

  @Test
  void aListenerThatRunsKeepsRunningWhileItsNewVersionWarms() {
    applier.apply(XdsResourceType.LISTENER, any(httpListener("ingress", "old-routes")));
    applier.apply(XdsResourceType.ROUTE, any(routes("old-routes", "backend")));

    applier.apply(XdsResourceType.LISTENER, any(httpListener("ingress", "new-routes")));

    assertThat(sink.last().listeners()).hasSize(1);
    assertThat(routeName(sink.last().listeners().get(0))).isEqualTo("old-routes");
    assertThat(applier.accepted().routes()).isEmpty(); // old-routes is no longer needed

    applier.apply(XdsResourceType.ROUTE, any(routes("new-routes", "backend")));

    assertThat(routeName(sink.last().listeners().get(0))).isEqualTo("new-routes");
  }

  @Test
  void anUnsupportedFieldRejectsTheResponseNamingResourceAndField() {
    cds(edsCluster("good", "good-svc"));
    Cluster bad =
        edsCluster("bad", "bad-svc").toBuilder()
            .setOutlierDetection(
                OutlierDetection.newBuilder().setConsecutive5Xx(UInt32Value.of(3))
                    .addMonitors(TypedExtensionConfig.newBuilder().setName("custom")))
            .build();

    XdsUpdateApplier.Result result = cds(edsCluster("good", "good-svc"), bad);

    assertThat(result.accepted()).isFalse();
    assertThat(result.problems()).singleElement().asString()
        .startsWith("clusters[\"bad\"].outlier_detection.monitors");
    assertThat(sink.applied).hasSize(1);
    assertThat(applier.accepted().clusters()).containsOnlyKeys("good");
  }

  @Test
  void aResourceOfAnotherTypeOrARepeatedNameIsRejected() {
    XdsUpdateApplier.Result result =
        applier.apply(XdsResourceType.CLUSTER,
            any(edsCluster("a", "a"), edsCluster("a", "a"), routes("r", "a")));

    assertThat(result.accepted()).isFalse();
    assertThat(result.problems())
        .containsExactly(
            "resources[1]: duplicate CDS resource 'a' (also resources[0])",
            "resources[2]: a resource of type type.googleapis.com/envoy.config.route.v3"
                + ".RouteConfiguration in a CDS response (expected"
                + " type.googleapis.com/envoy.config.cluster.v3.Cluster)");
    assertThat(sink.applied).isEmpty();
  }

  @Test
  void routesFromAnotherSourceThanAdsAreRejected() {
    ConfigSource file =
        ConfigSource.newBuilder()
            .setPathConfigSource(PathConfigSource.newBuilder().setPath("/etc/routes.yaml"))
            .build();

    XdsUpdateApplier.Result result =
        applier.apply(XdsResourceType.LISTENER, any(httpListener("ingress", "r", file)));

    assertThat(result.accepted()).isFalse();
    assertThat(result.problems()).singleElement().asString()
        .startsWith("listeners[\"ingress\"].filter_chains[0].filters[0].typed_config.rds"
            + ".config_source.path_config_source: not supported by Bowline");
  }

  @Test
  void whatTheSinkRefusesIsRejectedAndTheAcceptedStateStays() {
    cds(edsCluster("backend", "backend-svc"));
    sink.refuseNext("listener ingress: address: cannot bind");

    XdsUpdateApplier.Result result =
        applier.apply(XdsResourceType.LISTENER, any(httpListener("ingress", "r")));

    assertThat(result.accepted()).isFalse();
    assertThat(result.problems()).containsExactly("listener ingress: address: cannot bind");
    assertThat(applier.accepted().listeners()).isEmpty();
    assertThat(applier.accepted().routeNames()).isEmpty();
  }

  @Test
  void assignmentsOfRemovedClustersAreDropped() {
    cds(edsCluster("a", "a-svc"), edsCluster("b", "b-svc"));
    applier.apply(XdsResourceType.ENDPOINT, any(assignment("a-svc", 1), assignment("b-svc", 2)));

    cds(edsCluster("a", "a-svc"));

    assertThat(applier.accepted().endpoints()).containsOnlyKeys("a-svc");
    assertThat(sink.last().clusters()).singleElement()
        .satisfies(c -> assertThat(c.endpoints()).containsExactly(endpoint(1)));
  }
}
