package dev.bowline.proxy.xds;

import com.google.protobuf.Message;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import java.util.Arrays;
import java.util.Optional;
import java.util.function.Function;

/**
 * The xDS resource types the client subscribes to, in the order Envoy applies them (clusters, then
 * their endpoints, then listeners, then their routes), and the trust bundle secret. CDS and LDS are
 * wildcard subscriptions (every resource the server has for this node); EDS, RDS and SDS name the
 * resources they want.
 *
 * <p>Immutable and thread-safe.
 */
public enum XdsResourceType {
  /** CDS: {@code envoy.config.cluster.v3.Cluster}, named by {@code name}. */
  CLUSTER("CDS", "type.googleapis.com/envoy.config.cluster.v3.Cluster", true, Cluster.class,
      m -> ((Cluster) m).getName()),
  /** EDS: {@code ClusterLoadAssignment}, named by {@code cluster_name}. */
  ENDPOINT("EDS", "type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment", false,
      ClusterLoadAssignment.class, m -> ((ClusterLoadAssignment) m).getClusterName()),
  /** LDS: {@code envoy.config.listener.v3.Listener}, named by {@code name}. */
  LISTENER("LDS", "type.googleapis.com/envoy.config.listener.v3.Listener", true, Listener.class,
      m -> ((Listener) m).getName()),
  /** RDS: {@code RouteConfiguration}, named by {@code name}. */
  ROUTE("RDS", "type.googleapis.com/envoy.config.route.v3.RouteConfiguration", false,
      RouteConfiguration.class, m -> ((RouteConfiguration) m).getName()),
  /**
   * SDS over ADS: {@code envoy.extensions.transport_sockets.tls.v3.Secret}, named by {@code name};
   * subscribed to ({@code ROOTCA}, the trust bundle) only by a proxy with a workload identity.
   */
  SECRET("SDS", "type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.Secret", false,
      Secret.class, m -> ((Secret) m).getName());

  private final String shortName;
  private final String typeUrl;
  private final boolean wildcard;
  private final Class<? extends Message> messageClass;
  private final Function<Message, String> naming;

  XdsResourceType(
      String shortName,
      String typeUrl,
      boolean wildcard,
      Class<? extends Message> messageClass,
      Function<Message, String> naming) {
    this.shortName = shortName;
    this.typeUrl = typeUrl;
    this.wildcard = wildcard;
    this.messageClass = messageClass;
    this.naming = naming;
  }

  /** {@code CDS}, {@code EDS}, {@code LDS} or {@code RDS}. */
  public String shortName() {
    return shortName;
  }

  /** The type URL of requests, responses and each resource's {@code Any}. */
  public String typeUrl() {
    return typeUrl;
  }

  /** Whether the client asks for every resource of this type (an empty name list). */
  public boolean wildcard() {
    return wildcard;
  }

  /** The type with this type URL, if the client knows it. */
  public static Optional<XdsResourceType> forTypeUrl(String typeUrl) {
    return Arrays.stream(values()).filter(t -> t.typeUrl.equals(typeUrl)).findFirst();
  }

  Class<? extends Message> messageClass() {
    return messageClass;
  }

  /** The resource's name as xDS identifies it. */
  String nameOf(Message resource) {
    return naming.apply(resource);
  }
}
