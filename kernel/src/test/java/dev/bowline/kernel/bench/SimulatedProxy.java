package dev.bowline.kernel.bench;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.bowline.kernel.pilot.node.ProxyNode;
import dev.bowline.kernel.pilot.xds.XdsResourceType;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
import io.envoyproxy.envoy.config.listener.v3.Filter;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * One simulated sidecar holding an ADS stream to Pilot and speaking state-of-the-world xDS as
 * Envoy does: it subscribes to clusters and listeners (wildcard), then to the endpoints of the EDS
 * clusters it receives and to the route configurations its listeners name, updating those
 * subscriptions as clusters and listeners change, and acknowledges every response. Every request
 * carries the node.
 *
 * <p>It decodes only what that takes: listeners fully (they are few and change rarely), clusters
 * by name, type and EDS service name ({@link PackedCluster}), endpoint assignments and route
 * configurations by name only, except the one assignment an armed {@link EndpointProbe} asks
 * about. Names stay in their wire form, and equal subscriptions are one shared {@link
 * Subscription}. After each response it tells the fleet's armed {@link
 * EndpointProbe} and {@link SyncTarget} whether it now meets them. Like Envoy, it keeps the
 * assignments it holds across EDS responses, which carry only what changed, and drops those of
 * clusters it no longer has.
 *
 * <p><b>Threading.</b> gRPC delivers one stream's responses one at a time; all state is guarded
 * by this object's monitor, so requests are never sent concurrently on the stream.
 */
final class SimulatedProxy {

  private static final String HCM_TYPE_URL =
      "type.googleapis.com/" + HttpConnectionManager.getDescriptor().getFullName();

  private static final class TypeState {
    Subscription subscription = Subscription.WILDCARD;
    String ackedVersion = "";
    String lastNonce = "";
    long acks;
  }

  private final int index;
  private final Node node;
  private final SimulatedProxyFleet fleet;
  private final Map<XdsResourceType, TypeState> types = new EnumMap<>(XdsResourceType.class);
  private StreamObserver<DiscoveryRequest> requests;
  private ClientCallStreamObserver<DiscoveryRequest> call;
  private int clusterPort = -1;
  private int clusterCount;
  private int endpointPort = -1;
  private int endpointCount;
  // The assignments held, by position in the EDS subscription: EDS responses may leave out what
  // did not change (Envoy keeps it).
  private BitSet assignments = new BitSet();

  SimulatedProxy(int index, ProxyNode node, SimulatedProxyFleet fleet) {
    this.index = index;
    this.node = node.toEnvoyNode();
    this.fleet = fleet;
    for (XdsResourceType type : XdsResourceType.values()) {
      types.put(type, new TypeState());
    }
  }

  /** Opens the ADS stream on {@code channel} and subscribes to clusters and listeners. */
  synchronized void start(Channel channel) {
    requests =
        ClientCalls.asyncBidiStreamingCall(
            channel.newCall(PackedResponse.ADS, CallOptions.DEFAULT),
            new ClientResponseObserver<DiscoveryRequest, PackedResponse>() {
              @Override
              public void beforeStart(ClientCallStreamObserver<DiscoveryRequest> stream) {
                call = stream;
              }

              @Override
              public void onNext(PackedResponse response) {
                onResponse(response);
              }

              @Override
              public void onError(Throwable t) {
                fleet.failed(node.getId() + ": stream failed: " + t);
              }

              @Override
              public void onCompleted() {
                fleet.failed(node.getId() + ": the server ended the stream");
              }
            });
    send(XdsResourceType.CLUSTERS);
    send(XdsResourceType.LISTENERS);
  }

  /** How many route responses this proxy has acknowledged. */
  synchronized long routeAcks() {
    return types.get(XdsResourceType.ROUTES).acks;
  }

  /** Where this proxy stands, for a diagnostic. */
  synchronized String describe() {
    StringBuilder out = new StringBuilder(node.getId());
    out.append(": clusters ").append(clusterCount).append(" of port ").append(clusterPort)
        .append(", assignments ").append(endpointCount).append(" of port ").append(endpointPort);
    types.forEach((type, t) -> out.append(", ").append(type.shortName()).append(" acked ")
        .append(t.acks).append(" (").append(t.ackedVersion).append(')'));
    return out.toString();
  }

  /** Ends the stream (the process going away). */
  synchronized void cancel() {
    if (call != null) {
      call.cancel("benchmark done", null);
    }
  }

  private synchronized void onResponse(PackedResponse response) {
    long arrived = System.nanoTime();
    fleet.received(response.size());
    XdsResourceType type = XdsResourceType.fromTypeUrl(response.typeUrl()).orElse(null);
    if (type == null) {
      fleet.failed(node.getId() + ": unexpected type " + response.typeUrl());
      return;
    }
    try {
      switch (type) {
        case CLUSTERS -> onClusters(response);
        case ENDPOINTS -> onEndpoints(response, arrived);
        case LISTENERS -> onListeners(response);
        case ROUTES -> ack(type, response);
      }
    } catch (InvalidProtocolBufferException | RuntimeException e) {
      fleet.failed(node.getId() + ": cannot read a " + type.shortName() + " response: " + e);
      return;
    }
    SyncTarget target = fleet.target();
    if (target != null
        && !target.hasReached(index)
        && target.isMetBy(index, clusterPort, clusterCount, endpointPort, endpointCount,
            types.get(XdsResourceType.ROUTES).acks)) {
      target.reached(index, System.nanoTime());
    }
  }

  private void onClusters(PackedResponse response) {
    List<ByteString> edsNames = new ArrayList<>(response.values().size());
    GenerationCount generation = new GenerationCount();
    for (ByteString value : response.values()) {
      PackedCluster cluster = PackedCluster.of(value);
      generation.add(ResourceNameReader.outboundPort(cluster.name()));
      if (cluster.eds()) {
        edsNames.add(cluster.edsServiceName());
      }
    }
    TypeState eds = types.get(XdsResourceType.ENDPOINTS);
    Subscription next = fleet.subscription(edsNames);
    if (next != eds.subscription) {
      BitSet kept = new BitSet(next.size());
      for (int i = assignments.nextSetBit(0); i >= 0; i = assignments.nextSetBit(i + 1)) {
        int at = next.positionOf(eds.subscription.names().get(i));
        if (at >= 0) {
          kept.set(at);
        }
      }
      eds.subscription = next;
      assignments = kept;
      countAssignments();
      send(XdsResourceType.ENDPOINTS);
    }
    clusterPort = generation.port();
    clusterCount = generation.count();
    ack(XdsResourceType.CLUSTERS, response);
  }

  private void onEndpoints(PackedResponse response, long arrived)
      throws InvalidProtocolBufferException {
    EndpointProbe probe = fleet.probe();
    ByteString looking =
        probe != null && !probe.hasArrived(index) ? ByteString.copyFromUtf8(probe.cluster()) : null;
    Subscription subscribed = types.get(XdsResourceType.ENDPOINTS).subscription;
    for (ByteString value : response.values()) {
      ByteString name = ResourceNameReader.nameOf(value);
      int at = subscribed.positionOf(name);
      if (at >= 0) {
        assignments.set(at); // Envoy ignores an assignment it did not ask for
      }
      if (name.equals(looking)
          && holds(ClusterLoadAssignment.parseFrom(value), probe.address())) {
        probe.arrived(index, arrived);
      }
    }
    countAssignments();
    ack(XdsResourceType.ENDPOINTS, response);
  }

  private void countAssignments() {
    Subscription subscribed = types.get(XdsResourceType.ENDPOINTS).subscription;
    GenerationCount generation = new GenerationCount();
    for (int i = assignments.nextSetBit(0); i >= 0; i = assignments.nextSetBit(i + 1)) {
      generation.add(subscribed.port(i));
    }
    endpointPort = generation.port();
    endpointCount = generation.count();
  }

  private void onListeners(PackedResponse response) throws InvalidProtocolBufferException {
    List<ByteString> routeNames = new ArrayList<>();
    for (ByteString value : response.values()) {
      Listener listener = Listener.parseFrom(value);
      for (FilterChain chain : listener.getFilterChainsList()) {
        for (Filter filter : chain.getFiltersList()) {
          if (filter.hasTypedConfig()
              && filter.getTypedConfig().getTypeUrl().equals(HCM_TYPE_URL)) {
            HttpConnectionManager hcm =
                HttpConnectionManager.parseFrom(filter.getTypedConfig().getValue());
            ByteString name = hcm.getRds().getRouteConfigNameBytes();
            if (hcm.hasRds() && !routeNames.contains(name)) {
              routeNames.add(name);
            }
          }
        }
      }
    }
    TypeState rds = types.get(XdsResourceType.ROUTES);
    Subscription next = fleet.subscription(routeNames);
    if (next != rds.subscription) {
      rds.subscription = next;
      send(XdsResourceType.ROUTES);
    }
    ack(XdsResourceType.LISTENERS, response);
  }

  private static boolean holds(ClusterLoadAssignment assignment, String address) {
    for (LocalityLbEndpoints locality : assignment.getEndpointsList()) {
      for (LbEndpoint endpoint : locality.getLbEndpointsList()) {
        if (endpoint.getEndpoint().getAddress().getSocketAddress().getAddress().equals(address)) {
          return true;
        }
      }
    }
    return false;
  }

  private void ack(XdsResourceType type, PackedResponse response) {
    TypeState t = types.get(type);
    t.ackedVersion = response.version();
    t.lastNonce = response.nonce();
    t.acks++;
    send(type);
  }

  private void send(XdsResourceType type) {
    TypeState t = types.get(type);
    DiscoveryRequest.Builder request =
        DiscoveryRequest.newBuilder()
            .setNode(node)
            .setTypeUrl(type.typeUrl())
            .setVersionInfo(t.ackedVersion)
            .setResponseNonce(t.lastNonce);
    for (ByteString name : t.subscription.names()) {
      request.addResourceNamesBytes(name); // written as they came, not encoded again
    }
    requests.onNext(request.build());
  }

  /** Counts outbound ports (-1: not outbound) and the port they share (-1 when they do not). */
  private static final class GenerationCount {
    private int port = -1;
    private int count;
    private boolean mixed;

    void add(int p) {
      if (p < 0) {
        return;
      }
      count++;
      if (port == -1 && !mixed) {
        port = p;
      } else if (port != p) {
        mixed = true;
        port = -1;
      }
    }

    int port() {
      return mixed ? -1 : port;
    }

    int count() {
      return count;
    }
  }
}
