package dev.bowline.kernel.pilot.xds;

import com.google.protobuf.Message;
import dev.bowline.kernel.pilot.translate.ProxyResources;
import io.envoyproxy.controlplane.cache.Resources;
import java.util.List;
import java.util.Optional;

/**
 * The xDS resource types Pilot serves, in make-before-break order: clusters, endpoints, listeners,
 * routes. Immutable.
 */
public enum XdsResourceType {
  /** CDS: {@code envoy.config.cluster.v3.Cluster}. */
  CLUSTERS("cds", Resources.V3.CLUSTER_TYPE_URL),
  /** EDS: {@code envoy.config.endpoint.v3.ClusterLoadAssignment}. */
  ENDPOINTS("eds", Resources.V3.ENDPOINT_TYPE_URL),
  /** LDS: {@code envoy.config.listener.v3.Listener}. */
  LISTENERS("lds", Resources.V3.LISTENER_TYPE_URL),
  /** RDS: {@code envoy.config.route.v3.RouteConfiguration}. */
  ROUTES("rds", Resources.V3.ROUTE_TYPE_URL);

  private final String shortName;
  private final String typeUrl;

  XdsResourceType(String shortName, String typeUrl) {
    this.shortName = shortName;
    this.typeUrl = typeUrl;
  }

  /**
   * {@code cds}, {@code eds}, {@code lds} or {@code rds}: the {@code type} label of Istio's
   * metrics.
   */
  public String shortName() {
    return shortName;
  }

  /** The type URL of this type's resources on the wire. */
  public String typeUrl() {
    return typeUrl;
  }

  /** This type's resources in {@code resources}. */
  public List<? extends Message> of(ProxyResources resources) {
    return switch (this) {
      case CLUSTERS -> resources.clusters();
      case ENDPOINTS -> resources.endpoints();
      case LISTENERS -> resources.listeners();
      case ROUTES -> resources.routes();
    };
  }

  /** The type with this type URL, empty for a type Pilot does not serve. */
  public static Optional<XdsResourceType> fromTypeUrl(String typeUrl) {
    for (XdsResourceType type : values()) {
      if (type.typeUrl.equals(typeUrl)) {
        return Optional.of(type);
      }
    }
    return Optional.empty();
  }

  /** The name a resource of any served type is known by in subscriptions. */
  public static String nameOf(Message resource) {
    return Resources.getResourceName(resource);
  }
}
