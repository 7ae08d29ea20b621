package dev.bowline.kernel.agent;

import io.envoyproxy.envoy.service.discovery.v3.AggregatedDiscoveryServiceGrpc;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.Status;
import io.grpc.StatusException;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One application ADS stream relayed to the control plane on one upstream stream of its own.
 *
 * <ul>
 *   <li>Nothing is read from the application before {@link #begin}: the agent calls it once its
 *       first workload certificate is in, so an application that connects earlier is held, not
 *       failed.
 *   <li>The first request must carry the node; {@link IdentityBinding} checks it (and every later
 *       node) before anything goes upstream. Only then is the upstream stream opened, with the
 *       bound first request followed by the agent's own subscription to the trust bundle ({@link
 *       TrustBundleSubscription}).
 *   <li>Requests go upstream as they came (the node bound), except that an application asking for
 *       SDS secrets is refused with {@code INVALID_ARGUMENT}: the trust bundle is the agent's.
 *   <li>Responses go to the application, except {@code Secret} responses, which the agent answers
 *       itself and never forwards.
 *   <li>Flow control: one message is asked for at a time on each side, and the next only once the
 *       other side can take it ({@code isReady}/{@code onReady}); nothing is queued in the agent.
 *   <li>An end on either side ends the other: the control plane's status (with where it came from)
 *       goes to the application, an application's cancellation cancels the upstream stream, a
 *       half-close is passed on.
 * </ul>
 *
 * <p><b>Threading.</b> gRPC calls the application's listener and the upstream listener on their
 * own serialized executors, and {@link #begin} and {@link #stop} come from any thread: all state,
 * and every call on either side, is under this object's lock. No call blocks.
 */
final class RelayedStream {

  private static final Logger log = LoggerFactory.getLogger(RelayedStream.class);

  static final MethodDescriptor<DiscoveryRequest, DiscoveryResponse> METHOD =
      AggregatedDiscoveryServiceGrpc.getStreamAggregatedResourcesMethod();

  private final ServerCall<DiscoveryRequest, DiscoveryResponse> app;
  private final Channel controlPlane;
  private final String controlPlaneTarget;
  private final IdentityBinding binding;
  private final TrustBundleSubscription trustBundle;
  private final Runnable onEnd;
  // Guarded by this:
  private ClientCall<DiscoveryRequest, DiscoveryResponse> upstream;
  private String nodeId = "";
  private boolean ended;
  private boolean headersSent;
  /** The application's next request is asked for once the upstream stream is ready. */
  private boolean requestWanted;
  /** The control plane's next response is asked for once the application's stream is ready. */
  private boolean responseWanted;

  /**
   * @param app the application's call
   * @param controlPlane the channel to the control plane's mutual TLS port
   * @param controlPlaneTarget its address, for messages
   * @param binding checks and completes the application's node
   * @param trustBundle the agent's trust bundle subscription for this stream's upstream
   * @param onEnd runs once when the stream ends, whichever side ends it
   */
  RelayedStream(ServerCall<DiscoveryRequest, DiscoveryResponse> app, Channel controlPlane,
      String controlPlaneTarget, IdentityBinding binding, TrustBundleSubscription trustBundle, Runnable onEnd) {
    this.app = Objects.requireNonNull(app, "app");
    this.controlPlane = Objects.requireNonNull(controlPlane, "controlPlane");
    this.controlPlaneTarget = Objects.requireNonNull(controlPlaneTarget, "controlPlaneTarget");
    this.binding = Objects.requireNonNull(binding, "binding");
    this.trustBundle = Objects.requireNonNull(trustBundle, "trustBundle");
    this.onEnd = Objects.requireNonNull(onEnd, "onEnd");
  }

  /** The listener to return for the application's call. */
  ServerCall.Listener<DiscoveryRequest> appListener() {
    return new AppListener();
  }

  /** The agent's identity is in: reads the application's first request. */
  synchronized void begin() {
    if (!ended) {
      app.request(1);
    }
  }

  /** Ends both sides: the application's with {@code status}. */
  synchronized void stop(Status status) {
    end(status, String.valueOf(status.getDescription()));
  }

  private synchronized void fromApp(DiscoveryRequest request) {
    if (ended) {
      return;
    }
    if (TrustBundleSubscription.TYPE_URL.equals(request.getTypeUrl())) {
      refuse(Status.INVALID_ARGUMENT.withDescription("SDS (" + TrustBundleSubscription.TYPE_URL
          + ") is not relayed: the agent holds the workload certificate and the trust bundle itself; a proxyless"
          + " application subscribes to listeners, routes, clusters and endpoints only"));
      return;
    }
    DiscoveryRequest relayed = request;
    if (request.hasNode()) {
      if (nodeId.isEmpty()) {
        nodeId = request.getNode().getId();
      }
      try {
        relayed = request.toBuilder().setNode(binding.bind(request.getNode())).build();
      } catch (StatusException e) {
        refuse(e.getStatus());
        return;
      }
    }
    if (upstream == null) {
      if (!request.hasNode()) {
        refuse(Status.INVALID_ARGUMENT.withDescription(
            "the first request of an ADS stream must carry the node (node.id, node.metadata)"));
        return;
      }
      upstream = controlPlane.newCall(METHOD, CallOptions.DEFAULT);
      upstream.start(new UpstreamListener(), new Metadata());
      upstream.request(1);
      upstream.sendMessage(relayed);
      upstream.sendMessage(trustBundle.subscription());
      log.info("relaying the ADS stream of node '{}' to the control plane at {}", nodeId, controlPlaneTarget);
    } else {
      upstream.sendMessage(relayed);
    }
    if (upstream.isReady()) {
      app.request(1);
    } else {
      requestWanted = true;
    }
  }

  private synchronized void fromControlPlane(DiscoveryResponse response) {
    if (ended) {
      return;
    }
    if (TrustBundleSubscription.isSecret(response)) {
      upstream.sendMessage(trustBundle.answer(response));
      upstream.request(1);
      return;
    }
    if (!headersSent) {
      app.sendHeaders(new Metadata());
      headersSent = true;
    }
    app.sendMessage(response);
    if (app.isReady()) {
      upstream.request(1);
    } else {
      responseWanted = true;
    }
  }

  private void refuse(Status status) {
    log.warn("refused the ADS stream of node '{}': {}: {}", nodeId.isEmpty() ? "?" : nodeId, status.getCode(),
        status.getDescription());
    end(status, "refused by the agent: " + status.getDescription());
  }

  /**
   * Ends the stream: cancels the upstream stream with {@code upstreamReason} (null: it has ended
   * already) and closes the application's with {@code status}.
   */
  private void end(Status status, String upstreamReason) {
    if (ended) {
      return;
    }
    ended = true;
    if (upstream != null && upstreamReason != null) {
      upstream.cancel(upstreamReason, null);
    }
    app.close(status, new Metadata());
    onEnd.run();
  }

  private final class AppListener extends ServerCall.Listener<DiscoveryRequest> {
    @Override
    public void onMessage(DiscoveryRequest request) {
      fromApp(request);
    }

    @Override
    public void onHalfClose() {
      synchronized (RelayedStream.this) {
        if (ended) {
          return;
        }
        if (upstream == null) {
          end(Status.OK, "");
        } else {
          upstream.halfClose();
        }
      }
    }

    @Override
    public void onCancel() {
      synchronized (RelayedStream.this) {
        if (ended) {
          return;
        }
        ended = true;
        if (upstream != null) {
          upstream.cancel("the application cancelled its stream", null);
        }
        log.info("the application closed the ADS stream of node '{}'", nodeId);
        onEnd.run();
      }
    }

    @Override
    public void onReady() {
      synchronized (RelayedStream.this) {
        if (responseWanted && !ended) {
          responseWanted = false;
          upstream.request(1);
        }
      }
    }
  }

  private final class UpstreamListener extends ClientCall.Listener<DiscoveryResponse> {
    @Override
    public void onMessage(DiscoveryResponse response) {
      fromControlPlane(response);
    }

    @Override
    public void onReady() {
      synchronized (RelayedStream.this) {
        if (requestWanted && !ended) {
          requestWanted = false;
          app.request(1);
        }
      }
    }

    @Override
    public void onClose(Status status, Metadata trailers) {
      synchronized (RelayedStream.this) {
        if (ended) {
          return;
        }
        Status relayed = status.isOk() ? status : Status.fromCode(status.getCode()).withDescription(
            "control plane " + controlPlaneTarget + ": " + describe(status));
        if (status.isOk()) {
          log.info("the control plane ended the ADS stream of node '{}'", nodeId);
        } else {
          log.warn("the ADS stream of node '{}' ended: {}", nodeId, relayed.getDescription());
        }
        end(relayed, null);
      }
    }
  }

  private static String describe(Status status) {
    if (status.getDescription() != null) {
      return status.getCode() + ": " + status.getDescription();
    }
    return status.getCause() != null ? status.getCode() + ": " + status.getCause() : status.getCode().toString();
  }
}
