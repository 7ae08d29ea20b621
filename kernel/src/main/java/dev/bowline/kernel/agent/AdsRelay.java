package dev.bowline.kernel.agent;

import dev.bowline.proxy.identity.WorkloadSecrets;
import io.envoyproxy.envoy.service.discovery.v3.AggregatedDiscoveryServiceGrpc;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.Channel;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The agent's ADS service for the application, {@code
 * envoy.service.discovery.v3.AggregatedDiscoveryService/StreamAggregatedResources}: each stream
 * the application opens is relayed on a stream of its own to the control plane ({@link
 * RelayedStream}), once {@code ready} (the agent's first workload certificate) has completed. No
 * other method is served (incremental xDS is {@code UNIMPLEMENTED}, as on the control plane).
 *
 * <p><b>Threading.</b> Thread-safe: gRPC starts calls on its own threads; {@link #stop} may be
 * called from any thread, after which new streams are refused with {@code UNAVAILABLE}.
 */
public final class AdsRelay implements ServerCallHandler<DiscoveryRequest, DiscoveryResponse> {

  private final Channel controlPlane;
  private final String controlPlaneTarget;
  private final CompletionStage<?> ready;
  private final IdentityBinding binding;
  private final WorkloadSecrets secrets;
  private final Set<RelayedStream> streams = ConcurrentHashMap.newKeySet();
  private volatile boolean stopped;

  /**
   * @param controlPlane the channel to the control plane's mutual TLS port
   * @param controlPlaneTarget its address, for messages
   * @param ready completes when the agent holds its first workload certificate
   * @param binding checks and completes the nodes applications announce
   * @param secrets where the trust bundle the control plane sends is installed
   */
  public AdsRelay(Channel controlPlane, String controlPlaneTarget, CompletionStage<?> ready, IdentityBinding binding,
      WorkloadSecrets secrets) {
    this.controlPlane = Objects.requireNonNull(controlPlane, "controlPlane");
    this.controlPlaneTarget = Objects.requireNonNull(controlPlaneTarget, "controlPlaneTarget");
    this.ready = Objects.requireNonNull(ready, "ready");
    this.binding = Objects.requireNonNull(binding, "binding");
    this.secrets = Objects.requireNonNull(secrets, "secrets");
  }

  /** The service to add to the agent's gRPC server. */
  public ServerServiceDefinition service() {
    return ServerServiceDefinition.builder(AggregatedDiscoveryServiceGrpc.SERVICE_NAME)
        .addMethod(RelayedStream.METHOD, this)
        .build();
  }

  @Override
  public ServerCall.Listener<DiscoveryRequest> startCall(
      ServerCall<DiscoveryRequest, DiscoveryResponse> call, Metadata headers) {
    RelayedStream[] self = new RelayedStream[1];
    RelayedStream stream = new RelayedStream(call, controlPlane, controlPlaneTarget, binding,
        new TrustBundleSubscription(secrets), () -> streams.remove(self[0]));
    self[0] = stream;
    streams.add(stream);
    if (stopped) {
      stream.stop(stopping());
    } else {
      ready.thenRun(stream::begin);
    }
    return stream.appListener();
  }

  /** How many application streams are open now (held ones included). */
  public int openStreams() {
    return streams.size();
  }

  /** Ends every stream, telling the applications that the agent stops, and refuses new ones. */
  public void stop() {
    stopped = true;
    for (RelayedStream stream : streams) {
      stream.stop(stopping());
    }
  }

  private static Status stopping() {
    return Status.UNAVAILABLE.withDescription("the agent is stopping");
  }
}
