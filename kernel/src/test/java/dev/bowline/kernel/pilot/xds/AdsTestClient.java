package dev.bowline.kernel.pilot.xds;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.service.discovery.v3.AggregatedDiscoveryServiceGrpc;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * A real ADS client on one gRPC stream, for tests. It sends the node in its first request only (as
 * grpc-java does), acknowledges every response unless a rejector says otherwise, and, when told to
 * follow like Envoy, subscribes to the endpoints of the EDS clusters and the routes of the
 * listeners it receives. It records every response in arrival order.
 */
final class AdsTestClient implements AutoCloseable {

  /** One response as the client saw it. */
  record Received(XdsResourceType type, String version, String nonce, List<Message> resources) {

    List<String> names() {
      return resources.stream().map(XdsResourceType::nameOf).toList();
    }
  }

  private static final class TypeState {
    boolean subscribed;
    List<String> names = List.of();
    String acceptedVersion = "";
    String lastNonce = "";
  }

  private final ManagedChannel channel;
  private final Node node;
  private final StreamObserver<DiscoveryRequest> requests;
  private final List<Received> received = new ArrayList<>();
  private final Map<XdsResourceType, TypeState> types = new EnumMap<>(XdsResourceType.class);
  private final Map<XdsResourceType, Function<List<Message>, String>> rejectors =
      new EnumMap<>(XdsResourceType.class);
  private final CompletableFuture<Status> closed = new CompletableFuture<>();
  private volatile ClientCallStreamObserver<DiscoveryRequest> call;
  private final Set<XdsResourceType> ignored = EnumSet.noneOf(XdsResourceType.class);
  private boolean nodeSent;
  private boolean followLikeEnvoy;
  private boolean followLikeGrpc;

  private AdsTestClient(int port, Node node) {
    this.channel =
        Grpc.newChannelBuilderForAddress("127.0.0.1", port, InsecureChannelCredentials.create())
            .build();
    this.node = node;
    for (XdsResourceType type : XdsResourceType.values()) {
      types.put(type, new TypeState());
    }
    this.requests =
        AggregatedDiscoveryServiceGrpc.newStub(channel)
            .streamAggregatedResources(
                new ClientResponseObserver<DiscoveryRequest, DiscoveryResponse>() {
                  @Override
                  public void beforeStart(ClientCallStreamObserver<DiscoveryRequest> stream) {
                    call = stream;
                  }

                  @Override
                  public void onNext(DiscoveryResponse response) {
                    handle(response);
                  }

                  @Override
                  public void onError(Throwable t) {
                    closed.complete(Status.fromThrowable(t));
                  }

                  @Override
                  public void onCompleted() {
                    closed.complete(Status.OK);
                  }
                });
  }

  /** Opens an ADS stream to 127.0.0.1:{@code port} for {@code node}. */
  static AdsTestClient connect(int port, Node node) {
    return new AdsTestClient(port, node);
  }

  /**
   * Subscribes to endpoints and routes as Envoy does: after the clusters and listeners naming them.
   */
  synchronized AdsTestClient followLikeEnvoy() {
    followLikeEnvoy = true;
    return this;
  }

  /**
   * Subscribes as proxyless gRPC does: routes named by the listeners, clusters named by the routes,
   * endpoints named by the clusters.
   */
  synchronized AdsTestClient followLikeGrpc() {
    followLikeGrpc = true;
    return this;
  }

  /** Never answers responses of {@code type}, as a stuck client. */
  synchronized AdsTestClient ignore(XdsResourceType type) {
    ignored.add(type);
    return this;
  }

  /** Rejects a response of {@code type} when {@code reason} returns a message (null accepts). */
  synchronized AdsTestClient rejectWhen(
      XdsResourceType type, Function<List<Message>, String> reason) {
    rejectors.put(type, reason);
    return this;
  }

  /** Subscribes to {@code names} of {@code type} (none: wildcard), or changes the subscription. */
  synchronized AdsTestClient subscribe(XdsResourceType type, String... names) {
    TypeState t = types.get(type);
    t.subscribed = true;
    t.names = List.of(names);
    send(type, t, null);
    return this;
  }

  /** Every response received so far, in order. */
  synchronized List<Received> received() {
    return List.copyOf(received);
  }

  /** The responses of {@code type} received so far, in order. */
  synchronized List<Received> received(XdsResourceType type) {
    return received.stream().filter(r -> r.type() == type).toList();
  }

  /** The last response of {@code type}. */
  /**
   * Every name of {@code type} received so far: what a client holds of EDS or RDS, whose responses
   * may leave out what did not change.
   */
  synchronized Set<String> namesReceived(XdsResourceType type) {
    Set<String> names = new TreeSet<>();
    received(type).forEach(r -> names.addAll(r.names()));
    return names;
  }

  synchronized Optional<Received> last(XdsResourceType type) {
    List<Received> of = received(type);
    return of.isEmpty() ? Optional.empty() : Optional.of(of.get(of.size() - 1));
  }

  /** Completes with the status the stream ended with. */
  CompletableFuture<Status> closed() {
    return closed;
  }

  /** Ends the stream from the client side (half-close), as a client going away cleanly. */
  synchronized void halfClose() {
    requests.onCompleted();
  }

  /** Cancels the stream, as a client that dies. */
  void cancel() {
    call.cancel("test cancels", null);
  }

  @Override
  public void close() throws InterruptedException {
    channel.shutdownNow();
    channel.awaitTermination(5, TimeUnit.SECONDS);
  }

  private synchronized void handle(DiscoveryResponse response) {
    XdsResourceType type =
        XdsResourceType.fromTypeUrl(response.getTypeUrl())
            .orElseThrow(() -> new AssertionError("unexpected type " + response.getTypeUrl()));
    List<Message> resources = new ArrayList<>();
    for (Any any : response.getResourcesList()) {
      resources.add(unpack(type, any));
    }
    received.add(new Received(type, response.getVersionInfo(), response.getNonce(), resources));
    if (ignored.contains(type)) {
      return;
    }
    TypeState t = types.get(type);
    t.lastNonce = response.getNonce();
    Function<List<Message>, String> rejector = rejectors.get(type);
    String rejection = rejector == null ? null : rejector.apply(resources);
    if (rejection != null) {
      send(type, t, rejection);
      return;
    }
    t.acceptedVersion = response.getVersionInfo();
    send(type, t, null);
    if (followLikeEnvoy && type == XdsResourceType.CLUSTERS) {
      follow(
          XdsResourceType.ENDPOINTS,
          TestEnvoyResources.edsNames(resources.stream().map(Cluster.class::cast).toList()));
    }
    if (followLikeGrpc && type == XdsResourceType.LISTENERS) {
      follow(
          XdsResourceType.ROUTES,
          TestEnvoyResources.rdsNames(resources.stream().map(Listener.class::cast).toList()));
    }
    if (followLikeGrpc && type == XdsResourceType.ROUTES) {
      follow(
          XdsResourceType.CLUSTERS,
          resources.stream()
              .map(RouteConfiguration.class::cast)
              .flatMap(r -> TestEnvoyResources.routedClusters(r).stream())
              .distinct()
              .toList());
    }
    if (followLikeGrpc && type == XdsResourceType.CLUSTERS) {
      follow(
          XdsResourceType.ENDPOINTS,
          TestEnvoyResources.edsNames(resources.stream().map(Cluster.class::cast).toList()));
    }
    if (followLikeEnvoy && type == XdsResourceType.LISTENERS) {
      follow(
          XdsResourceType.ROUTES,
          TestEnvoyResources.rdsNames(resources.stream().map(Listener.class::cast).toList()));
    }
  }

  private void follow(XdsResourceType type, List<String> names) {
    TypeState t = types.get(type);
    if (t.subscribed && t.names.equals(names)) {
      return;
    }
    t.subscribed = true;
    t.names = List.copyOf(names);
    send(type, t, null);
  }

  private void send(XdsResourceType type, TypeState t, String rejection) {
    DiscoveryRequest.Builder request =
        DiscoveryRequest.newBuilder()
            .setTypeUrl(type.typeUrl())
            .addAllResourceNames(t.names)
            .setVersionInfo(t.acceptedVersion)
            .setResponseNonce(t.lastNonce);
    if (!nodeSent) {
      request.setNode(node);
      nodeSent = true;
    }
    if (rejection != null) {
      request.setErrorDetail(
          com.google.rpc.Status.newBuilder()
              .setCode(Status.Code.INVALID_ARGUMENT.value())
              .setMessage(rejection));
    }
    requests.onNext(request.build());
  }

  private static Message unpack(XdsResourceType type, Any any) {
    try {
      return switch (type) {
        case CLUSTERS -> any.unpack(Cluster.class);
        case ENDPOINTS ->
            any.unpack(ClusterLoadAssignment.class);
        case LISTENERS -> any.unpack(Listener.class);
        case ROUTES -> any.unpack(RouteConfiguration.class);
      };
    } catch (InvalidProtocolBufferException e) {
      throw new AssertionError(e);
    }
  }
}
