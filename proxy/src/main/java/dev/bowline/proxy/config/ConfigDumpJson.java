package dev.bowline.proxy.config;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import io.envoyproxy.envoy.admin.v3.BootstrapConfigDump;
import io.envoyproxy.envoy.admin.v3.ClustersConfigDump;
import io.envoyproxy.envoy.admin.v3.ConfigDump;
import io.envoyproxy.envoy.admin.v3.EndpointsConfigDump;
import io.envoyproxy.envoy.admin.v3.ListenersConfigDump;
import io.envoyproxy.envoy.admin.v3.RoutesConfigDump;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;

/**
 * Envoy's admin {@code ConfigDump} as JSON, as Envoy's {@code /config_dump} prints it (proto field
 * names, {@code "@type"} on every {@code Any}): every resource type Bowline accepts can be printed.
 * Stateless and thread-safe.
 */
public final class ConfigDumpJson {

  private static final JsonFormat.Printer PRINTER =
      JsonFormat.printer()
          .usingTypeRegistry(
              EnvoyTypes.registry()
                  .add(ConfigDump.getDescriptor())
                  .add(BootstrapConfigDump.getDescriptor())
                  .add(ClustersConfigDump.getDescriptor())
                  .add(ListenersConfigDump.getDescriptor())
                  .add(RoutesConfigDump.getDescriptor())
                  .add(EndpointsConfigDump.getDescriptor())
                  .add(Cluster.getDescriptor())
                  .add(Listener.getDescriptor())
                  .add(RouteConfiguration.getDescriptor())
                  .add(ClusterLoadAssignment.getDescriptor())
                  .build())
          .preservingProtoFieldNames();

  private ConfigDumpJson() {}

  /**
   * The JSON of {@code dump}.
   *
   * @throws InvalidProtocolBufferException a resource holds an {@code Any} of a type Bowline does
   *     not know (never the case for resources it accepted)
   */
  public static String print(ConfigDump dump) throws InvalidProtocolBufferException {
    return PRINTER.print(dump);
  }
}
