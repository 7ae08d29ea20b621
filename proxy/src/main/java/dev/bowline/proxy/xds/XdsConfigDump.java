package dev.bowline.proxy.xds;

import com.google.protobuf.Any;
import io.envoyproxy.envoy.admin.v3.BootstrapConfigDump;
import io.envoyproxy.envoy.admin.v3.ClustersConfigDump;
import io.envoyproxy.envoy.admin.v3.ConfigDump;
import io.envoyproxy.envoy.admin.v3.EndpointsConfigDump;
import io.envoyproxy.envoy.admin.v3.ListenersConfigDump;
import io.envoyproxy.envoy.admin.v3.RoutesConfigDump;
import io.envoyproxy.envoy.config.bootstrap.v3.Bootstrap;
import io.envoyproxy.envoy.config.core.v3.Node;
import java.util.Map;

/**
 * What a proxy holds from the control plane, in the shape of Envoy's admin {@code ConfigDump}: the
 * node, then the dynamic clusters, listeners, route configurations and endpoint assignments as
 * they were received, each with the version last acknowledged for its type. Stateless.
 */
final class XdsConfigDump {

  private XdsConfigDump() {}

  static ConfigDump of(Node node, XdsResources held, XdsStatus status) {
    String cds = version(status, XdsResourceType.CLUSTER);
    String eds = version(status, XdsResourceType.ENDPOINT);
    String lds = version(status, XdsResourceType.LISTENER);
    String rds = version(status, XdsResourceType.ROUTE);

    ClustersConfigDump.Builder clusters = ClustersConfigDump.newBuilder().setVersionInfo(cds);
    held.clusters().values().forEach(c -> clusters.addDynamicActiveClusters(
        ClustersConfigDump.DynamicCluster.newBuilder().setVersionInfo(cds).setCluster(Any.pack(c.proto()))));
    ListenersConfigDump.Builder listeners = ListenersConfigDump.newBuilder().setVersionInfo(lds);
    held.listeners().forEach((name, l) -> listeners.addDynamicListeners(
        ListenersConfigDump.DynamicListener.newBuilder()
            .setName(name)
            .setActiveState(ListenersConfigDump.DynamicListenerState.newBuilder()
                .setVersionInfo(lds).setListener(Any.pack(l)))));
    RoutesConfigDump.Builder routes = RoutesConfigDump.newBuilder();
    held.routes().values().forEach(r -> routes.addDynamicRouteConfigs(
        RoutesConfigDump.DynamicRouteConfig.newBuilder().setVersionInfo(rds).setRouteConfig(Any.pack(r))));
    EndpointsConfigDump.Builder endpoints = EndpointsConfigDump.newBuilder();
    held.endpoints().values().forEach(e -> endpoints.addDynamicEndpointConfigs(
        EndpointsConfigDump.DynamicEndpointConfig.newBuilder().setVersionInfo(eds)
            .setEndpointConfig(Any.pack(e.proto()))));

    return ConfigDump.newBuilder()
        .addConfigs(Any.pack(BootstrapConfigDump.newBuilder()
            .setBootstrap(Bootstrap.newBuilder().setNode(node)).build()))
        .addConfigs(Any.pack(clusters.build()))
        .addConfigs(Any.pack(listeners.build()))
        .addConfigs(Any.pack(routes.build()))
        .addConfigs(Any.pack(endpoints.build()))
        .build();
  }

  private static String version(XdsStatus status, XdsResourceType type) {
    Map<XdsResourceType, XdsStatus.TypeStatus> types = status.types();
    XdsStatus.TypeStatus t = types.get(type);
    return t == null ? "" : t.ackedVersion();
  }
}
