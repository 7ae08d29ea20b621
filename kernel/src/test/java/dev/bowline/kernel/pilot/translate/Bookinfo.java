package dev.bowline.kernel.pilot.translate;

import dev.bowline.kernel.pilot.config.ConfigSnapshot;
import dev.bowline.kernel.pilot.config.MeshSettings;
import dev.bowline.kernel.pilot.node.ProxyNode;
import dev.bowline.spi.model.Endpoint;
import dev.bowline.spi.model.HealthStatus;
import dev.bowline.spi.model.Hostname;
import dev.bowline.spi.model.Locality;
import dev.bowline.spi.model.MeshLocation;
import dev.bowline.spi.model.Protocol;
import dev.bowline.spi.model.Service;
import dev.bowline.spi.model.ServicePort;
import dev.bowline.spi.platform.PlatformSnapshot;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/**
 * Istio's Bookinfo sample as a registry (productpage, details, reviews v1/v2/v3, ratings, all on
 * port 9080 in namespace {@code default}) and its {@code reviews} VirtualService and
 * DestinationRule from istio.io, plus proxy nodes.
 */
final class Bookinfo {

  static final String REVIEWS = "reviews.default.svc.cluster.local";
  static final Locality ZONE_A = new Locality("us-east1", "us-east1-a", "");
  static final Locality ZONE_B = new Locality("us-east1", "us-east1-b", "");

  /** The reviews VirtualService of istio.io: jason to v2, everyone else 80/20 v1/v2. */
  static final String REVIEWS_VS =
      """
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata:
        name: reviews
        namespace: default
      spec:
        hosts:
        - reviews
        http:
        - match:
          - headers:
              end-user:
                exact: jason
          route:
          - destination:
              host: reviews
              subset: v2
        - route:
          - destination:
              host: reviews
              subset: v1
            weight: 80
          - destination:
              host: reviews
              subset: v2
            weight: 20
      """;

  /** The reviews DestinationRule of istio.io, with a subset policy overriding the rule's. */
  static final String REVIEWS_DR =
      """
      apiVersion: networking.istio.io/v1
      kind: DestinationRule
      metadata:
        name: reviews
        namespace: default
      spec:
        host: reviews
        trafficPolicy:
          loadBalancer:
            simple: RANDOM
        subsets:
        - name: v1
          labels:
            version: v1
        - name: v2
          labels:
            version: v2
          trafficPolicy:
            loadBalancer:
              simple: ROUND_ROBIN
        - name: v3
          labels:
            version: v3
      """;

  private Bookinfo() {}

  static Service service(String name, String namespace, ServicePort... ports) {
    return new Service(
        Hostname.of(name + "." + namespace + ".svc.cluster.local"), namespace, List.of(ports),
        Map.of(), MeshLocation.MESH_INTERNAL);
  }

  static Endpoint endpoint(String ip, String version, Locality locality, int weight) {
    return new Endpoint(ip, 9080, Map.of("app", "x", "version", version), locality, weight,
        HealthStatus.HEALTHY);
  }

  /** The Bookinfo registry, plus {@code extra} services without endpoints. */
  static PlatformSnapshot registry(Service... extra) {
    ServicePort http = ServicePort.of("http", 9080, Protocol.HTTP);
    List<Service> services = new ArrayList<>();
    services.add(service("productpage", "default", http));
    services.add(service("details", "default", http));
    services.add(service("reviews", "default", http));
    services.add(service("ratings", "default", http));
    services.addAll(List.of(extra));
    Map<Hostname, Map<String, List<Endpoint>>> endpoints = new HashMap<>();
    endpoints.put(
        Hostname.of("productpage.default.svc.cluster.local"),
        Map.of("http", List.of(endpoint("10.0.1.1", "v1", ZONE_A, 1))));
    endpoints.put(
        Hostname.of("details.default.svc.cluster.local"),
        Map.of("http", List.of(endpoint("10.0.2.1", "v1", ZONE_A, 1))));
    endpoints.put(
        Hostname.of(REVIEWS),
        Map.of(
            "http",
            List.of(
                endpoint("10.0.3.3", "v3", ZONE_B, 1),
                endpoint("10.0.3.1", "v1", ZONE_A, 1),
                endpoint("10.0.3.2", "v2", ZONE_A, 1),
                endpoint("10.0.3.4", "v2", ZONE_B, 3).withHealth(HealthStatus.DRAINING))));
    return new PlatformSnapshot(services, endpoints, List.of());
  }

  static ConfigSnapshot config() {
    return new ConfigFixtures().add(REVIEWS_DR).add(REVIEWS_VS).snapshot();
  }

  static PushContext context() {
    return new PushContext(config(), registry(), MeshSettings.DEFAULTS);
  }

  static ProxyNode sidecar(String namespace, String workload, Map<String, String> labels) {
    return new ProxyNode(
        ProxyNode.nodeId(ProxyNode.Type.SIDECAR, "10.0.9.9", workload, namespace, "cluster.local"),
        ProxyNode.Type.SIDECAR, "10.0.9.9", workload, namespace, "default", labels, "",
        OptionalInt.empty(), ProxyNode.DEFAULT_INBOUND_PORT, ProxyNode.DEFAULT_OUTBOUND_PORT);
  }

  static ProxyNode sidecarWithApp(String namespace, String service, int appPort) {
    return new ProxyNode(
        ProxyNode.nodeId(ProxyNode.Type.SIDECAR, "10.0.9.9", service + "-1", namespace,
            "cluster.local"),
        ProxyNode.Type.SIDECAR, "10.0.9.9", service + "-1", namespace, "default",
        Map.of("app", service), service, OptionalInt.of(appPort), 15006, 15001);
  }

  static ProxyNode gateway(String namespace, Map<String, String> labels) {
    return new ProxyNode(
        ProxyNode.nodeId(ProxyNode.Type.ROUTER, "10.0.8.8", "ingress", namespace, "cluster.local"),
        ProxyNode.Type.ROUTER, "10.0.8.8", "ingress", namespace, "default", labels, "",
        OptionalInt.empty(), 15006, 15001);
  }

  static ProxyNode proxyless(String namespace) {
    return new ProxyNode("grpc-client-1", ProxyNode.Type.PROXYLESS, "", "grpc-client-1", namespace,
        "default", Map.of(), "", OptionalInt.empty(), 15006, 15001);
  }
}
